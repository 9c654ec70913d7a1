akvault_fuzz_target(trail_fuzz ${CMAKE_CURRENT_SOURCE_DIR}/trail_fuzz.cc ${CMAKE_CURRENT_SOURCE_DIR}/corpus/trail)
