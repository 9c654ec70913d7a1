# The bundle library (docs/bundle-format.md). Included by vault/CMakeLists.txt.
target_sources(akvault_core PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/format.cc
  ${CMAKE_CURRENT_LIST_DIR}/armor.cc
  ${CMAKE_CURRENT_LIST_DIR}/password.cc
  ${CMAKE_CURRENT_LIST_DIR}/identity.cc
  ${CMAKE_CURRENT_LIST_DIR}/payload.cc
  ${CMAKE_CURRENT_LIST_DIR}/key_schedule.cc
  ${CMAKE_CURRENT_LIST_DIR}/seal.cc
  ${CMAKE_CURRENT_LIST_DIR}/open.cc
  ${CMAKE_CURRENT_LIST_DIR}/utc_text.cc
  # A wrapper that vault/crypto lacked; it lives there because only
  # vault/crypto may include <sodium.h>.
  ${CMAKE_CURRENT_LIST_DIR}/../crypto/box_check.cc
)
