akvault_fuzz_target(csv_fuzz ${CMAKE_CURRENT_SOURCE_DIR}/csv_fuzz.cc ${CMAKE_CURRENT_SOURCE_DIR}/corpus/csv)
