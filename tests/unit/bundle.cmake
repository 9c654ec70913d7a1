# Bundle library and credentials renderers (vault/bundle, vault/credentials).
akvault_unit_test(bundle_unit_tests
  bundle/bundle_test_util.cc
  bundle/format_test.cc
  bundle/armor_test.cc
  bundle/password_test.cc
  bundle/password_file_test.cc
  bundle/identity_test.cc
  bundle/payload_test.cc
  bundle/seal_test.cc
  bundle/open_checks_test.cc
  bundle/tamper_test.cc
  bundle/vectors_test.cc
  credentials/render_test.cc
  credentials/merge_test.cc
)
target_compile_definitions(bundle_unit_tests PRIVATE
  AKVAULT_BUNDLE_VECTOR_DIR="${PROJECT_SOURCE_DIR}/tests/vectors/bundle")

# Regenerates tests/vectors/bundle (not a test; built on request):
#   cmake --build BUILD --target bundle_vector_gen && BUILD/tests/unit/bundle_vector_gen tests/vectors/bundle
add_executable(bundle_vector_gen EXCLUDE_FROM_ALL
  bundle/vector_gen.cc bundle/vector_gen_recipient.cc bundle/bundle_test_util.cc)
target_link_libraries(bundle_vector_gen PRIVATE akvault_test_support)
