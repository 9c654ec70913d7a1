// Findings: hits (and Security Center leak records) explained with what the
// vault knows about each key: whose it is, its status, the bundles that
// carried it, and what to do next. Reads metadata only (no passphrase).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "vault/scan/leak_report.h"
#include "vault/scan/matcher.h"
#include "vault/status.h"

namespace akv {
class Vault;
}

namespace akv::scan {

inline constexpr const char* kKindVaultKey = "vault-key";
inline constexpr const char* kKindUnknownKey = "unknown-key";
inline constexpr const char* kKindRetiredKey = "retired-key";

struct BundleFact {
  std::string bundle_id;
  std::int64_t created_at = 0;
  std::string destination;
  std::string mode;
};

struct KeyFacts {
  std::string owner;
  std::optional<std::string> app;
  std::string status;  // active | superseded | retired
  std::optional<std::string> successor;
  bool main_account = false;
  std::vector<BundleFact> bundles;
};

struct Finding {
  Hit hit;                         // location, what matched, the ID, the masked form
  std::string kind;                // kKind*
  std::string level;               // "critical" (main account, or a pending cloud leak) | "error" | "warning"
  std::optional<KeyFacts> key;     // when the vault holds the key
  std::optional<LeakRecord> leak;  // --leak-report
  std::string next_step;           // one sentence
};

// Explains each hit. `vault` may be null (no vault: every key is unknown).
Result<std::vector<Finding>> ExplainHits(std::vector<Hit> hits, Vault* vault);
// The same for Security Center's records: one finding per record.
Result<std::vector<Finding>> ExplainLeaks(const std::vector<LeakRecord>& leaks, Vault* vault);

}  // namespace akv::scan
