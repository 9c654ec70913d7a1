# End-to-end tests of distribution: export, open, exec, credential-process,
# keygen (tests/e2e/test_bundle_*.py). Included by tests/e2e/CMakeLists.txt.
list(APPEND AKVAULT_E2E_MODULES
  test_bundle_export_open
  test_bundle_attacks
  test_bundle_exhaustive
  test_bundle_files
  test_bundle_exec
)
# Output locations (issue 9 item 3): tests/e2e/test_hygiene_output.py.
list(APPEND AKVAULT_E2E_MODULES test_hygiene_output)
