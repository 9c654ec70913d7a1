# ActionTrail compliance (`akvault trail`, `akvault policy`): IP/CIDR
# matching, the event reader (every input layout, gzip), the inventory of the
# account's addresses, network policies and the per-key analysis.
target_sources(akvault_core PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/ip.cc
  ${CMAKE_CURRENT_LIST_DIR}/input.cc
  ${CMAKE_CURRENT_LIST_DIR}/input_gzip.cc
  ${CMAKE_CURRENT_LIST_DIR}/json_scan.cc
  ${CMAKE_CURRENT_LIST_DIR}/record_parser.cc
  ${CMAKE_CURRENT_LIST_DIR}/event_reader.cc
  ${CMAKE_CURRENT_LIST_DIR}/inventory.cc
  ${CMAKE_CURRENT_LIST_DIR}/network_policy.cc
  ${CMAKE_CURRENT_LIST_DIR}/analysis.cc
  ${CMAKE_CURRENT_LIST_DIR}/report_output.cc
)
# zlib for .gz inputs; like libsodium and SQLite, the static akvault binary
# takes libz.a (see the top-level CMakeLists.txt).
target_link_libraries(akvault_core PRIVATE PkgConfig::ZLIB)
