# Unit tests of issue 9 items 1, 2, 6, 7 (vault integrity against an
# attacker who writes the file, and concurrent writers).
akvault_unit_test(integrity_unit_tests
  integrity/vault_schema_test.cc
  integrity/vault_rekey_test.cc
)
