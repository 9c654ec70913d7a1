# Rotation policy (due, lint, day and date parsing), Date, and the console
# CSV import: pure functions, no vault needed.
akvault_unit_test(rotation_unit_tests
  rotation/date_test.cc
  rotation/policy_due_test.cc
  rotation/policy_lint_test.cc
  import/csv_test.cc
)
