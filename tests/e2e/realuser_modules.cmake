# End-to-end tests of the receiving side and of the how-tos as real non-root
# users (issue 10). Included by tests/e2e/CMakeLists.txt.
list(APPEND AKVAULT_E2E_MODULES
  test_realuser_files
  test_realuser_howto
  test_realuser_conventions
)
