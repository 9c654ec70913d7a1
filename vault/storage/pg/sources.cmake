# PostgreSQL store support (docs/design.md, "Team vault on PostgreSQL").
# The URI parser needs no libpq and is part of akvault_core, so every build
# recognises and validates a postgresql:// vault. The libpq wrapper is its
# own library, akvault_pg, linked only by what talks to a server (see
# "Start-up and linking" for why the static akvault does not).
target_sources(akvault_core PRIVATE ${CMAKE_CURRENT_LIST_DIR}/uri.cc)

if(AKVAULT_WITH_POSTGRESQL)
  add_library(akvault_pg STATIC ${CMAKE_CURRENT_LIST_DIR}/connection.cc)
  target_link_libraries(akvault_pg PUBLIC akvault_core PRIVATE PkgConfig::LIBPQ)
endif()
