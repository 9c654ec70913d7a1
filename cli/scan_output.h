// The three ways `akvault scan` prints its findings: a human listing, a JSON
// array (--json), and SARIF 2.1.0 (--sarif) for code-scanning services.
// No output ever holds a secret: a finding about a secret shows its key's ID
// and the masked form only. Paths are printed with control bytes escaped.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "vault/scan/findings.h"

namespace akv::cli {

struct ScanTotals {
  std::size_t files = 0;
  std::uint64_t bytes = 0;
  std::string what;  // "files", "git blobs", "staged files", "leak records"
};

void WriteScanHuman(std::ostream& out, const std::vector<scan::Finding>& findings, const ScanTotals& totals);
void WriteScanJson(std::ostream& out, const std::vector<scan::Finding>& findings);
void WriteScanSarif(std::ostream& out, const std::vector<scan::Finding>& findings);

// A path or URL with every byte below 0x20 and DEL as \xNN, for terminals.
std::string PrintablePath(const std::string& path);

}  // namespace akv::cli
