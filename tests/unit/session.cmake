# The session unlock cache (vault/session/): the cache over a fake keyring,
# and the kernel keyring itself. The kernel tests run under
# `keyctl session -` (a fresh anonymous session keyring, never the caller's),
# and each test also joins a fresh one of its own.
akvault_unit_test(session_unit_tests
  session/unlock_cache_test.cc
)
add_executable(session_kernel_tests session/kernel_keyring_test.cc)
target_link_libraries(session_kernel_tests PRIVATE akvault_test_support GTest::gtest_main PkgConfig::KEYUTILS)
find_program(AKVAULT_KEYCTL keyctl)
if(AKVAULT_KEYCTL)
  add_test(NAME session_kernel_keyring COMMAND ${AKVAULT_KEYCTL} session - $<TARGET_FILE:session_kernel_tests>)
else()
  add_test(NAME session_kernel_keyring COMMAND session_kernel_tests)
endif()
set_tests_properties(session_kernel_keyring PROPERTIES TIMEOUT 120 LABELS unit)
