target_sources(akvault_core PRIVATE ${CMAKE_CURRENT_LIST_DIR}/policy.cc)
