# PostgreSQL store support (docs/design.md, "Team vault on PostgreSQL").
# The URI parser needs no libpq and is part of akvault_core, so every build
# recognises and validates a postgresql:// vault. The libpq wrapper and the
# schema are their own library, akvault_pg, linked only by what talks to a
# server (see "Start-up and linking" for why the static akvault does not).
target_sources(akvault_core PRIVATE ${CMAKE_CURRENT_LIST_DIR}/uri.cc)

if(AKVAULT_WITH_POSTGRESQL)
  add_library(akvault_pg STATIC
    ${CMAKE_CURRENT_LIST_DIR}/connection.cc
    ${CMAKE_CURRENT_LIST_DIR}/schema.cc
    ${AKVAULT_PG_SCHEMA_CC})
  set_source_files_properties(${AKVAULT_PG_SCHEMA_CC} PROPERTIES GENERATED TRUE)
  add_dependencies(akvault_pg akvault_pg_schema)
  target_link_libraries(akvault_pg PUBLIC akvault_core PRIVATE PkgConfig::LIBPQ)
endif()
