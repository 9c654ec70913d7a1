# Key slots: the vault key wrapped by a passphrase and to each admin's X25519
# key, the authenticated slot list, re-key (pure logic, no storage).
target_sources(akvault_core PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/key_slot.cc
  ${CMAKE_CURRENT_LIST_DIR}/slot_list.cc
)
