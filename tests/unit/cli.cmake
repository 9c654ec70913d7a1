# In-process tests of the command layer (links akvault_cli).
akvault_unit_test(cli_unit_tests cli/commands_test.cc cli/listing_format_test.cc cli/user_lookup_test.cc
                  cli/unlock_test.cc cli/suggest_test.cc
                   cli/credential_env_test.cc)
target_link_libraries(cli_unit_tests PRIVATE akvault_cli)
