# ActionTrail compliance: IP/CIDR, the event reader and its shapes, the
# inventory, network policies, and one test per finding kind.
akvault_unit_test(trail_unit_tests
  trail/ip_test.cc
  trail/record_parser_test.cc
  trail/event_reader_test.cc
  trail/inventory_test.cc
  trail/network_policy_test.cc
  trail/analysis_test.cc
  trail/vault_policy_test.cc
)
target_link_libraries(trail_unit_tests PRIVATE PkgConfig::ZLIB)
