# Team vault (issue 14): end-to-end modules. Included by tests/e2e/CMakeLists.txt.
list(APPEND AKVAULT_E2E_MODULES
  test_team_pgserver
)
