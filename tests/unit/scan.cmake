# Leak scan: the detector and its rules (tests/unit/scan/ mirrors vault/scan/).
akvault_unit_test(scan_unit_tests
  scan/detector_test.cc
  scan/leak_report_test.cc
)
