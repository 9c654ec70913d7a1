# End-to-end tests of `akvault scan` (tests/e2e/test_scan.py).
list(APPEND AKVAULT_E2E_MODULES test_scan)
