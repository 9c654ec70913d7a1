// Rotation policy: what `due` lists and what `lint` finds, as pure functions
// of key metadata and "today" (a UTC calendar day handed in by the caller).
// No clock, no time zone, no I/O: every rule is testable with a fixed Date.
//
// The day a key needs attention (DueDateOf):
//   active      its rotation deadline, created + rotate_days;
//   superseded  the end of its grace period (the stored due_date), after
//               which it must be disabled in the console;
//   retired     never (retired keys are history).
// The deadline day itself is "due" (0 days left); "overdue" means today is
// past it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vault/key_record.h"
#include "vault/rotation/date.h"
#include "vault/status.h"

namespace akv {

// Active keys whose deadline is this close get the "due-soon" lint finding.
inline constexpr int kDueSoonDays = 14;

std::optional<Date> DueDateOf(const KeyMetadata& meta);

struct DueItem {
  enum class Kind {
    kRotationOverdue,  // active, today > deadline
    kRotationDue,      // active, deadline within the window (today included)
    kGraceOver,        // superseded, today > end of grace: disable it in the console
    kGraceEnding,      // superseded, grace ends within the window (today included)
  };
  KeyMetadata meta;
  Kind kind = Kind::kRotationDue;
  Date due;
  std::int64_t days_left = 0;  // due - today; negative: overdue by that many days
  std::string action;          // one line saying what to do, naming the key
};

// An item iff DueDateOf(meta) <= today + within_days (within_days >= 0).
std::optional<DueItem> ClassifyDue(const KeyMetadata& meta, Date today, int within_days);

// The one parser for day counts on the command line (--rotate-days,
// --within, --grace-days, --expires-in). Canonical decimal only: digits,
// no sign, no leading zero (except "0"), no spaces, nothing after; then
// min <= value <= max. kUsage naming `option` otherwise (catalogue A8, B11).
Result<int> ParseDayCount(std::string_view text, std::string_view option, int min, int max);

// --created: a strict YYYY-MM-DD real calendar day (Date::Parse), not after
// `today`. kUsage otherwise.
Result<Date> ParseCreatedDate(std::string_view text, Date today);

// ---- lint

enum class Severity { kInfo, kWarning, kError };   // ordered: kError is the highest
std::string_view SeverityName(Severity severity);  // "info", "warning", "error"
std::optional<Severity> ParseSeverity(std::string_view name);

struct Finding {
  Severity severity = Severity::kInfo;
  std::string rule;  // stable id: overdue, grace-over, too-many-keys, main-account,
                     // personal-key-on-server, rotation-period-too-long, due-soon
  std::string akid;  // too-many-keys: the group's first ID (the message names them all)
  std::string owner;
  std::optional<std::string> app;
  std::string message;  // one line
  std::string fix;      // one line
};

struct LintPolicy {
  Date today;
  int max_rotate_days = kDefaultRotateDays;
};

struct KeyExports {
  bool exported_to_recipient = false;  // any bundle sealed to a machine identity
  // The key has no network policy (`akvault policy`). False when unknown,
  // so callers that do not look never get the finding.
  bool missing_network_policy = false;
};

// The rules (keys that are not retired only):
//   error   overdue                   active, today > deadline
//   error   grace-over                superseded, today > end of grace
//   error   too-many-keys             more than two keys for one owner and app
//                                     (personal keys: per owner); one finding per group
//   error   main-account              main_account is set
//   warning personal-key-on-server    no app, and exported to a machine identity
//   warning rotation-period-too-long  active, rotate_days > max_rotate_days
//   warning no-network-policy         active, and no network policy recorded
//   info    due-soon                  active, deadline within kDueSoonDays (today included)
//
// Streams over the keys: Observe each key once, in any order, then Finish.
// Per-key findings are made as keys arrive; the only state kept per key is
// the ID of each key that is not retired, grouped by owner and app (normally
// two per group), for the too-many-keys rule. Retired keys never produce a
// finding and never count.
class Linter {
 public:
  explicit Linter(LintPolicy policy) : policy_(policy) {}
  void Observe(const KeyMetadata& meta, const KeyExports& exports);
  // All findings, sorted: severity (error first), then rule, then akid.
  // Leaves the Linter empty, ready for another set of keys.
  std::vector<Finding> Finish();

 private:
  void Add(Severity severity, std::string rule, const KeyMetadata& meta, std::string message, std::string fix);

  LintPolicy policy_;
  std::vector<Finding> findings_;
  std::map<std::pair<std::string, std::optional<std::string>>, std::vector<std::string>> live_ids_;
};

// True if any finding is at or above `threshold` (for --fail-on).
bool AnyAtOrAbove(const std::vector<Finding>& findings, Severity threshold);

}  // namespace akv
