# Team vault: key slots (pure, no storage) and the PostgreSQL URI.
akvault_unit_test(team_unit_tests
  slots/slot_list_test.cc
  storage/pg_uri_test.cc
)

# Against a real PostgreSQL that the test starts itself (tests/support/
# pgserver.py). One ctest entry for the whole executable, so its tests share
# one server (start-up ~1-2 s) instead of one per test case.
if(AKVAULT_WITH_POSTGRESQL)
  add_library(akvault_pg_test_support STATIC ${PROJECT_SOURCE_DIR}/tests/support/pg_server.cc)
  target_link_libraries(akvault_pg_test_support PUBLIC akvault_test_support akvault_pg nlohmann_json::nlohmann_json)
  add_executable(pg_unit_tests storage/pg_connection_test.cc storage/pg_schema_test.cc)
  target_compile_definitions(pg_unit_tests PRIVATE AKVAULT_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  target_link_libraries(pg_unit_tests PRIVATE akvault_pg_test_support GTest::gtest_main)
  add_test(NAME pg_unit_tests COMMAND pg_unit_tests)
  set_tests_properties(pg_unit_tests PROPERTIES
    ENVIRONMENT "AKVAULT_PGSERVER=${PROJECT_SOURCE_DIR}/tests/support/pgserver.py;AKVAULT_PG_TEMPLATE_DIR=${CMAKE_BINARY_DIR}/pg-template"
    TIMEOUT 300 LABELS "unit;pg")
endif()
