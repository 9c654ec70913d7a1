# Leak scan (docs/design.md, "Leak scan"): Vectorscan for the patterns.
target_sources(akvault_core PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/id_rules.cc
  ${CMAKE_CURRENT_LIST_DIR}/detector.cc
  ${CMAKE_CURRENT_LIST_DIR}/fingerprint.cc
  ${CMAKE_CURRENT_LIST_DIR}/matcher.cc
  ${CMAKE_CURRENT_LIST_DIR}/tree_scan.cc
  ${CMAKE_CURRENT_LIST_DIR}/leak_report.cc
  ${CMAKE_CURRENT_LIST_DIR}/findings.cc
)
target_link_libraries(akvault_core PRIVATE PkgConfig::HS)
# The git scan is a library of its own: libgit2 cannot be linked into the
# static-pie akvault (cli/scan_git_hook.h), only into akvault-git.
add_library(akvault_git STATIC ${CMAKE_CURRENT_LIST_DIR}/git_scan.cc)
target_link_libraries(akvault_git PUBLIC akvault_core PRIVATE PkgConfig::GIT2)
