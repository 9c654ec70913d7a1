# End-to-end tests of the vault and rotation commands (tests/e2e/test_vault_*.py
# and test_rotation_*.py). Included by tests/e2e/CMakeLists.txt.
list(APPEND AKVAULT_E2E_MODULES
  test_vault_flow
  test_vault_bad_input
  test_vault_import
  test_vault_concurrency
  test_vault_crash
  test_vault_process
  test_rotation_due
  test_rotation_rotate
  test_rotation_lint
)
# Text from outside shown safely, exec environment, piped secrets (issue 9
# items 4, 5, 7): tests/e2e/test_hygiene_text.py.
list(APPEND AKVAULT_E2E_MODULES test_hygiene_text)
