# Team vault: key slots (pure, no storage).
akvault_unit_test(slots_unit_tests
  slots/slot_list_test.cc
)
