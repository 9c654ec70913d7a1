# The session unlock cache: the kernel session keyring (libkeyutils, only
# included by kernel_keyring.cc) and the sealed vault key under
# $XDG_RUNTIME_DIR. libkeyutils is private, like libsodium and SQLite.
target_sources(akvault_core PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/kernel_keyring.cc
  ${CMAKE_CURRENT_LIST_DIR}/unlock_cache.cc
)
target_link_libraries(akvault_core PRIVATE PkgConfig::KEYUTILS)
