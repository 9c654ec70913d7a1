// The compliance analysis: per-key aggregates built while events stream by
// (memory grows with distinct keys, addresses, services and days, never
// with events), then the report and its findings against the vault's keys,
// their network policies and the account's inventory.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "vault/key_record.h"
#include "vault/rotation/policy.h"
#include "vault/trail/event.h"
#include "vault/trail/inventory.h"
#include "vault/trail/network_policy.h"

namespace akv::trail {

// "2026-11-05T08:02:33Z" (optionally with fractional seconds) to Unix
// seconds; nullopt for anything else.
std::optional<std::int64_t> ParseEventTime(std::string_view text);
std::string FormatEventTime(std::int64_t unix_seconds);

struct SourceStats {
  std::string vpc_id;  // empty: over the internet
  std::string ip;      // as the event gave it
  std::int64_t calls = 0;
};

struct KeyStats {
  std::string akid;
  std::int64_t calls = 0;
  std::int64_t first = 0, last = 0;  // Unix seconds
  std::int64_t vpc_calls = 0, internet_calls = 0, error_calls = 0;
  std::int64_t root_calls = 0;           // signed as the main account (userIdentity.type root-account)
  std::string identity_type, user_name;  // as first seen
  std::map<std::string, std::int64_t> services, actions, errors;
  std::map<std::int64_t, std::int64_t> per_day;          // day (Unix seconds / 86400) -> calls (the timeline)
  std::unordered_map<std::string, SourceStats> sources;  // key: vpc_id + '|' + ip
  // Calls after the moment the vault superseded or retired the key.
  std::int64_t calls_after_status = 0;
  std::int64_t calls_after_grace = 0;
  // From the vault, looked up once when the key is first seen (Unix seconds).
  std::optional<std::int64_t> status_since, grace_end;
};

struct Window {
  std::optional<std::int64_t> since;  // inclusive, Unix seconds
  std::optional<std::int64_t> until;  // exclusive
};

// What the vault says about a key that trail needs.
struct VaultKey {
  KeyMetadata meta;
  std::optional<NetworkPolicy> policy;
};

class Aggregator {
 public:
  Aggregator(Window window, const std::unordered_map<std::string, VaultKey>* vault) : window_(window), vault_(vault) {}
  void Observe(const Event& e);

  const std::unordered_map<std::string, KeyStats>& keys() const { return keys_; }
  std::int64_t events() const { return events_; }
  std::int64_t outside_window() const { return outside_window_; }
  std::int64_t bad_time() const { return bad_time_; }
  std::int64_t without_key() const { return without_key_; }
  std::int64_t root_without_key() const { return root_without_key_; }
  std::int64_t sts_calls() const { return sts_calls_; }
  const std::map<std::string, std::int64_t>& sts_roles() const { return sts_roles_; }
  std::optional<std::int64_t> first() const { return first_; }
  std::optional<std::int64_t> last() const { return last_; }

 private:
  Window window_;
  const std::unordered_map<std::string, VaultKey>* vault_;
  std::unordered_map<std::string, KeyStats> keys_;
  std::map<std::string, std::int64_t> sts_roles_;
  std::int64_t events_ = 0, outside_window_ = 0, bad_time_ = 0, without_key_ = 0, root_without_key_ = 0, sts_calls_ = 0;
  std::optional<std::int64_t> first_, last_;
  std::string source_key_;
};

struct SourceRow {
  std::string vpc_id, ip;
  std::int64_t calls = 0;
  bool own = false;      // an address of the account (inventory)
  std::string owner_id;  // i-..., eip-..., SNAT entry
  std::string owner_detail;
  std::string instance_id;      // the instance behind it, when known
  std::optional<bool> allowed;  // by the key's policy; nullopt: no policy or not an address
};

struct KeyReport {
  const KeyStats* stats = nullptr;
  const VaultKey* vault = nullptr;  // nullptr: not in the vault
  std::vector<SourceRow> sources;   // most calls first
  std::vector<std::string> vpc_ids, instances;
  std::int64_t outside_policy = 0;
  std::int64_t internet_not_own = 0;
  bool all_from_instances = false;
};

struct TrailFinding {
  Severity severity = Severity::kInfo;
  std::string rule;
  std::string akid;
  std::string owner;  // "" when not in the vault
  std::optional<std::string> app;
  bool in_vault = false;
  std::string message;
  std::string fix;
};

struct Report {
  std::vector<KeyReport> keys;          // by calls, most first, then akid
  std::vector<const VaultKey*> unused;  // vault keys with no call
  std::vector<TrailFinding> findings;   // severity (error first), rule, akid
};

// Builds the report. `inventory` may be empty (no --instances): then no
// address is known to be the account's own. `period_end` is the end of the
// period examined (for "created after the period" when listing unused keys).
Report BuildReport(const Aggregator& agg, const std::unordered_map<std::string, VaultKey>& vault,
                   const Inventory& inventory, bool have_inventory);

// The key ID as reports show it (IDs are not secret, but shown in full so
// they can be searched in the console).
bool IsStsKey(std::string_view akid);

}  // namespace akv::trail
