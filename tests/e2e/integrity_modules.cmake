# End-to-end tests of issue 9 items 1, 2, 6, 7 (vault integrity).
list(APPEND AKVAULT_E2E_MODULES
  test_vault_integrity
)
