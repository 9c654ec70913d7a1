# End-to-end tests of `akvault trail` and `akvault policy` (tests/e2e/test_trail.py).
list(APPEND AKVAULT_E2E_MODULES
  test_trail
)
