// akvault-git: the same command line as akvault, linked dynamically with
// libgit2 for `scan --git` and `scan --staged` (cli/scan_git_hook.h).
#include "cli/app.h"
#include "cli/scan_git_hook.h"
#include "vault/scan/git_scan.h"

int main(int argc, char** argv) {
  akv::cli::RegisterGitScanners({&akv::scan::ScanGitHistory, &akv::scan::ScanGitIndex});
  return akv::cli::RealMain(argc, argv);
}
