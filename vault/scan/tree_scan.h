// Scanning files and folders, or standard input, on several threads.
//
// Every regular file under each path is read: dot-files, git-ignored files
// and binaries included. Symbolic links are never followed (not even one
// named on the command line) and special files (FIFOs, sockets, devices)
// are skipped without being opened. Files are read with large sequential
// reads into a per-thread buffer, so memory stays flat whatever the tree.
// Hits come back sorted by path, line and column.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "vault/scan/detector.h"
#include "vault/scan/matcher.h"
#include "vault/status.h"

namespace akv::scan {

struct ScanSummary {
  std::vector<Hit> hits;
  std::size_t files = 0;
  std::uint64_t bytes = 0;
  std::size_t skipped_links = 0;
  std::size_t skipped_special = 0;
  // One line each: "cannot read PATH: reason" (the scan goes on).
  std::vector<std::string> warnings;
};

struct TreeScanOptions {
  unsigned threads = 2;
};

// kNotFound when a given path does not exist; a file that cannot be read
// mid-walk is a warning, not a failure.
Result<ScanSummary> ScanPaths(const std::vector<std::string>& paths, const Detector& detector, const Matcher& matcher,
                              const TreeScanOptions& options);

// Scans one stream (standard input), reported as path `name`.
Result<ScanSummary> ScanStreamInput(const ReadFn& read, const std::string& name, const Detector& detector,
                                    const Matcher& matcher);

// Sorts hits by path, commit, line, column, ID.
void SortHits(std::vector<Hit>& hits);

}  // namespace akv::scan
