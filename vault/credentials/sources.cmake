# Credentials-file renderers for `open` and `credential-process`.
target_sources(akvault_core PRIVATE ${CMAKE_CURRENT_LIST_DIR}/render.cc ${CMAKE_CURRENT_LIST_DIR}/merge.cc)
