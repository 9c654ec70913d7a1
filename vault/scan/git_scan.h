// Scanning a git repository with libgit2: its whole history, or its index.
//
// History: every blob reachable from any ref (and HEAD), each scanned once,
// attributed to the oldest commit (by commit time, then topology) that has
// it and the path it had there. A tree already seen is not walked again, so
// the walk costs one visit per distinct tree and blob, not per commit.
// Index (--staged): what `git commit` would commit now, stage-0 entries.
// Blobs are scanned on several threads, each with its own repository handle
// (libgit2 objects are not shared between threads).
#pragma once

#include <string>

#include "vault/scan/detector.h"
#include "vault/scan/matcher.h"
#include "vault/scan/tree_scan.h"
#include "vault/status.h"

namespace akv::scan {

// kNotFound when `repo_path` is not a git repository.
Result<ScanSummary> ScanGitHistory(const std::string& repo_path, const Detector& detector, const Matcher& matcher,
                                   unsigned threads);
Result<ScanSummary> ScanGitIndex(const std::string& repo_path, const Detector& detector, const Matcher& matcher);

}  // namespace akv::scan
