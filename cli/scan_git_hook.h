// How `akvault scan --git/--staged` reaches libgit2.
//
// Debian's libgit2.a needs GSSAPI (Kerberos), which Debian ships only as a
// shared library, so libgit2 cannot be linked into the static-pie `akvault`
// (docs/design.md, "Leak scan: libgit2 and the static binary"). The git scan
// lives in `akvault-git`, the same command line linked dynamically with
// libgit2; its main registers the git scanners here. `akvault` has none
// registered and re-executes `akvault-git` from its own folder instead.
#pragma once

#include <string>
#include <vector>

#include "vault/scan/tree_scan.h"

namespace akv::cli {

struct GitScanners {
  Result<scan::ScanSummary> (*history)(const std::string&, const scan::Detector&, const scan::Matcher&, unsigned);
  Result<scan::ScanSummary> (*index)(const std::string&, const scan::Detector&, const scan::Matcher&);
};
void RegisterGitScanners(const GitScanners& scanners);
const GitScanners* RegisteredGitScanners();

// The original command line, kept by RealMain so that `scan` can re-execute
// akvault-git with the same arguments.
void RememberArgv(int argc, char** argv);
// Replaces this process with akvault-git beside /proc/self/exe (refused
// unless owned by root or the user and not writable by group or others).
// Returns only on failure.
Status ExecGitHelper();

}  // namespace akv::cli
