# Fuzz targets for the bundle parsers and the armor (vault/bundle).
akvault_fuzz_target(bundle_fuzz ${CMAKE_CURRENT_SOURCE_DIR}/bundle_fuzz.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/corpus/bundle ${PROJECT_SOURCE_DIR}/tests/vectors/bundle)
akvault_fuzz_target(armor_fuzz ${CMAKE_CURRENT_SOURCE_DIR}/armor_fuzz.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/corpus/armor ${PROJECT_SOURCE_DIR}/tests/vectors/bundle)
