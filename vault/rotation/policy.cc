#include "vault/rotation/policy.h"

#include <algorithm>
#include <tuple>

namespace akv {
namespace {

std::string Days(std::int64_t n) { return std::to_string(n) + (n == 1 || n == -1 ? " day" : " days"); }

std::string RotateAction(const std::string& akid) {
  return "create a new key in the console, then akvault rotate " + akid + " --new-id NEW";
}

std::string RetireAction(const std::string& akid) {
  return "disable " + akid + " in the console, then akvault retire " + akid;
}

std::string GroupName(const std::string& owner, const std::optional<std::string>& app) {
  return "owner " + owner + (app ? ", app " + *app : " (personal keys)");
}

}  // namespace

std::optional<Date> DueDateOf(const KeyMetadata& meta) {
  switch (meta.status) {
    case KeyStatus::kActive:
      return meta.deadline();
    case KeyStatus::kSuperseded:
      return meta.due_date;
    case KeyStatus::kRetired:
      return std::nullopt;
  }
  return std::nullopt;
}

std::optional<DueItem> ClassifyDue(const KeyMetadata& meta, Date today, int within_days) {
  const std::optional<Date> due = DueDateOf(meta);
  if (!due || *due > today.AddDays(within_days)) return std::nullopt;
  DueItem item;
  item.meta = meta;
  item.due = *due;
  item.days_left = *due - today;
  const bool past = item.days_left < 0;
  if (meta.status == KeyStatus::kActive) {
    item.kind = past ? DueItem::Kind::kRotationOverdue : DueItem::Kind::kRotationDue;
    item.action = "rotate: " + RotateAction(meta.akid);
  } else {
    item.kind = past ? DueItem::Kind::kGraceOver : DueItem::Kind::kGraceEnding;
    item.action =
        past ? RetireAction(meta.akid)
             : "once nothing uses " + meta.akid + ", disable it in the console, then akvault retire " + meta.akid;
  }
  return item;
}

Result<int> ParseDayCount(std::string_view text, std::string_view option, int min, int max) {
  const std::string name(option);
  const std::string range = "allowed: " + std::to_string(min) + " to " + std::to_string(max);
  const bool digits_only =
      !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits_only || (text.size() > 1 && text[0] == '0')) {
    // The value is not echoed: it may hold spaces or control characters.
    return Status::Usage(name + " must be a number of days written in plain digits, e.g. 30",
                         "no sign, leading zero, space or hex; " + range);
  }
  // Ten digits exceed any int range we accept; stop before overflow.
  if (text.size() > 10) return Status::Usage(name + " is too large", range);
  std::int64_t value = 0;
  for (char c : text) value = value * 10 + (c - '0');
  if (value < min || value > max) return Status::Usage(name + " " + std::string(text) + " is out of range", range);
  return static_cast<int>(value);
}

Result<Date> ParseCreatedDate(std::string_view text, Date today) {
  const std::optional<Date> date = Date::Parse(text);
  if (!date) {
    return Status::Usage("--created must be YYYY-MM-DD, a real calendar day, e.g. 2024-02-29",
                         "the UTC day the key was created in the console, 1970 or later");
  }
  if (*date > today) {
    return Status::Usage("--created " + date->ToString() + " is in the future (today is " + today.ToString() + " UTC)",
                         "give the day the key was created in the console");
  }
  return *date;
}

std::string_view SeverityName(Severity severity) {
  switch (severity) {
    case Severity::kInfo:
      return "info";
    case Severity::kWarning:
      return "warning";
    case Severity::kError:
      return "error";
  }
  return "error";
}

std::optional<Severity> ParseSeverity(std::string_view name) {
  for (Severity s : {Severity::kInfo, Severity::kWarning, Severity::kError}) {
    if (name == SeverityName(s)) return s;
  }
  return std::nullopt;
}

void Linter::Add(Severity severity, std::string rule, const KeyMetadata& meta, std::string message, std::string fix) {
  findings_.push_back(
      Finding{severity, std::move(rule), meta.akid, meta.owner, meta.app, std::move(message), std::move(fix)});
}

void Linter::Observe(const KeyMetadata& meta, const KeyExports& exports) {
  if (meta.status == KeyStatus::kRetired) return;
  live_ids_[{meta.owner, meta.app}].push_back(meta.akid);
  const std::string key = "AccessKey " + meta.akid;

  if (meta.main_account) {
    Add(Severity::kError, "main-account", meta, key + " belongs to the main account, which has every permission",
        "never use the main account's AccessKey: create a RAM user with only the permissions needed, give it a key, "
        "then " +
            RetireAction(meta.akid));
  }
  if (!meta.app && exports.exported_to_recipient) {
    Add(Severity::kWarning, "personal-key-on-server", meta,
        "personal " + key + " (owner " + meta.owner + ") was exported to a machine identity",
        "give each application its own key (akvault add --owner " + meta.owner +
            " --app NAME ...), deliver that one instead, then rotate " + meta.akid);
  }
  const std::optional<Date> due = DueDateOf(meta);
  if (meta.status == KeyStatus::kActive) {
    if (exports.missing_network_policy) {
      Add(Severity::kWarning, "no-network-policy", meta, key + " may be used from any address (no network policy)",
          "record where it runs (akvault policy " + meta.akid +
              " --allow CIDR|vpc-ID; `akvault trail` suggests the sources), then apply `akvault policy " + meta.akid +
              " --json` with aliyun ims SetAccessKeyPolicy");
    }
    if (meta.rotate_days > policy_.max_rotate_days) {
      Add(Severity::kWarning, "rotation-period-too-long", meta,
          key + " rotates every " + Days(meta.rotate_days) + ", more than the vault's limit of " +
              std::to_string(policy_.max_rotate_days),
          "at the next rotation: akvault rotate " + meta.akid + " --new-id NEW --rotate-days " +
              std::to_string(policy_.max_rotate_days));
    }
    const std::int64_t days_left = *due - policy_.today;
    if (days_left < 0) {
      Add(Severity::kError, "overdue", meta,
          key + " is " + Days(-days_left) + " past its rotation deadline " + due->ToString(), RotateAction(meta.akid));
    } else if (days_left <= kDueSoonDays) {
      Add(Severity::kInfo, "due-soon", meta,
          key + " reaches its rotation deadline " + due->ToString() +
              (days_left == 0 ? " today" : " in " + Days(days_left)),
          RotateAction(meta.akid));
    }
  } else if (due && policy_.today > *due) {
    Add(Severity::kError, "grace-over", meta,
        "superseded " + key + " is " + Days(policy_.today - *due) + " past the end of its grace period " +
            due->ToString(),
        RetireAction(meta.akid));
  }
}

std::vector<Finding> Linter::Finish() {
  for (auto& [group, ids] : live_ids_) {
    if (ids.size() <= 2) continue;
    std::sort(ids.begin(), ids.end());
    std::string list;
    for (const std::string& id : ids) list += (list.empty() ? "" : ", ") + id;
    findings_.push_back(Finding{Severity::kError, "too-many-keys", ids.front(), group.first, group.second,
                                GroupName(group.first, group.second) + " has " + std::to_string(ids.size()) +
                                    " keys that are not retired: " + list +
                                    "; the cloud allows two per RAM user, for the rotation overlap",
                                "disable the keys no longer in use in the console, then akvault retire each one"});
  }
  live_ids_.clear();
  std::vector<Finding> findings = std::move(findings_);
  findings_.clear();
  const auto order = [](const Finding& f) { return std::tie(f.rule, f.akid, f.owner, f.app, f.message); };
  std::sort(findings.begin(), findings.end(), [&](const Finding& a, const Finding& b) {
    if (a.severity != b.severity) return a.severity > b.severity;
    return order(a) < order(b);
  });
  return findings;
}

bool AnyAtOrAbove(const std::vector<Finding>& findings, Severity threshold) {
  return std::any_of(findings.begin(), findings.end(), [&](const Finding& f) { return f.severity >= threshold; });
}

}  // namespace akv
