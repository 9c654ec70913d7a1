#include "vault/trail/analysis.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include "vault/trail/ip.h"

namespace akv::trail {
namespace {

bool Digits(std::string_view s, std::size_t at, std::size_t n, int& out) {
  if (at + n > s.size()) return false;
  out = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

// Days since 1970-01-01 of a civil date (H. Hinnant's algorithm).
std::int64_t DaysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + static_cast<unsigned>(d) - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<std::int64_t>(era) * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::int64_t DayOf(std::int64_t t) { return t >= 0 ? t / 86400 : (t - 86399) / 86400; }

std::string List(const std::vector<std::string>& items, std::size_t max = 5) {
  std::string out;
  for (std::size_t i = 0; i < items.size() && i < max; ++i) out += (i ? ", " : "") + items[i];
  if (items.size() > max) out += " and " + std::to_string(items.size() - max) + " more";
  return out;
}

std::string SourceText(const SourceRow& s) { return s.vpc_id.empty() ? s.ip : s.ip + " in " + s.vpc_id; }

}  // namespace

bool IsStsKey(std::string_view akid) { return akid.substr(0, 4) == "STS."; }

std::optional<std::int64_t> ParseEventTime(std::string_view s) {
  int y, mo, d, h, mi, se;
  if (s.size() < 20 || !Digits(s, 0, 4, y) || s[4] != '-' || !Digits(s, 5, 2, mo) || s[7] != '-' ||
      !Digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != ' ') || !Digits(s, 11, 2, h) || s[13] != ':' ||
      !Digits(s, 14, 2, mi) || s[16] != ':' || !Digits(s, 17, 2, se)) {
    return std::nullopt;
  }
  std::size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    ++i;
    const std::size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == start) return std::nullopt;
  }
  if (i + 1 != s.size() || s[i] != 'Z') return std::nullopt;
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (mo < 1 || mo > 12 || d < 1 || d > kDays[mo - 1] || h > 23 || mi > 59 || se > 60) return std::nullopt;
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (mo == 2 && d == 29 && !leap) return std::nullopt;
  return DaysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
}

std::string FormatEventTime(std::int64_t t) {
  std::int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
  std::int64_t secs = t - days * 86400;
  // civil_from_days
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ", static_cast<long long>(y), m, d,
                static_cast<long long>(secs / 3600), static_cast<long long>(secs / 60 % 60),
                static_cast<long long>(secs % 60));
  return buf;
}

void Aggregator::Observe(const Event& e) {
  ++events_;
  const auto t = ParseEventTime(e.event_time);
  if (!t) {
    ++bad_time_;
    return;
  }
  if ((window_.since && *t < *window_.since) || (window_.until && *t >= *window_.until)) {
    ++outside_window_;
    return;
  }
  if (!first_ || *t < *first_) first_ = *t;
  if (!last_ || *t > *last_) last_ = *t;
  if (e.access_key_id.empty()) {
    ++without_key_;
    if (e.identity_type == "root-account") ++root_without_key_;
    return;
  }
  if (IsStsKey(e.access_key_id)) {
    ++sts_calls_;
    // The role name: userName is "role:session" for assumed roles.
    const std::size_t colon = e.user_name.find(':');
    std::string role = e.user_name.substr(0, colon);
    if (role.empty()) role = "(unknown role)";
    if (sts_roles_.size() < 10000 || sts_roles_.count(role)) ++sts_roles_[role];
    return;
  }
  auto [it, inserted] = keys_.try_emplace(e.access_key_id);
  KeyStats& k = it->second;
  if (inserted) {
    k.akid = e.access_key_id;
    k.first = k.last = *t;
    k.identity_type = e.identity_type;
    k.user_name = e.user_name;
    if (vault_) {
      auto v = vault_->find(e.access_key_id);
      if (v != vault_->end() && v->second.meta.status != KeyStatus::kActive && v->second.meta.status_since) {
        k.status_since = v->second.meta.status_since->ToUnixSeconds();
        // A superseded key's grace period ends at the end of its due day.
        if (v->second.meta.due_date) k.grace_end = v->second.meta.due_date->AddDays(1).ToUnixSeconds();
      }
    }
  }
  ++k.calls;
  k.first = std::min(k.first, *t);
  k.last = std::max(k.last, *t);
  if (e.vpc_id.empty()) {
    ++k.internet_calls;
  } else {
    ++k.vpc_calls;
  }
  if (!e.error_code.empty()) {
    ++k.error_calls;
    ++k.errors[e.error_code];
  }
  if (e.identity_type == "root-account") ++k.root_calls;
  if (!e.service_name.empty()) ++k.services[e.service_name];
  if (!e.event_name.empty()) ++k.actions[e.event_name];
  ++k.per_day[DayOf(*t)];
  source_key_.assign(e.vpc_id).append(1, '|').append(e.source_ip);
  auto [sit, new_source] = k.sources.try_emplace(source_key_);
  if (new_source) {
    sit->second.vpc_id = e.vpc_id;
    sit->second.ip = e.source_ip;
  }
  ++sit->second.calls;
  if (k.status_since && *t >= *k.status_since) ++k.calls_after_status;
  if (k.grace_end && *t >= *k.grace_end) ++k.calls_after_grace;
}

Report BuildReport(const Aggregator& agg, const std::unordered_map<std::string, VaultKey>& vault,
                   const Inventory& inventory, bool have_inventory) {
  Report report;
  for (const auto& [akid, stats] : agg.keys()) {
    KeyReport kr;
    kr.stats = &stats;
    auto v = vault.find(akid);
    kr.vault = v == vault.end() ? nullptr : &v->second;
    const NetworkPolicy* policy = kr.vault && kr.vault->policy ? &*kr.vault->policy : nullptr;
    std::set<std::string> vpcs, instances;
    bool all_instances = !stats.sources.empty();
    for (const auto& [unused_key, s] : stats.sources) {
      SourceRow row;
      row.vpc_id = s.vpc_id;
      row.ip = s.ip;
      row.calls = s.calls;
      const auto ip = ParseIp(s.ip);
      const std::string canonical = ip ? ip->ToString() : s.ip;
      const AddressOwner* owner =
          s.vpc_id.empty() ? inventory.Public(canonical) : inventory.Private(s.vpc_id, canonical);
      if (owner) {
        row.own = true;
        row.owner_id = owner->id;
        row.owner_detail = owner->detail;
        row.instance_id = owner->instance_id;
      }
      if (policy && ip) row.allowed = policy->Allows(s.vpc_id, *ip);
      if (!s.vpc_id.empty()) vpcs.insert(s.vpc_id);
      if (!row.instance_id.empty()) instances.insert(row.instance_id);
      if (row.instance_id.empty()) all_instances = false;
      if (row.allowed == false) kr.outside_policy += s.calls;
      if (s.vpc_id.empty() && !row.own && row.allowed != true) kr.internet_not_own += s.calls;
      kr.sources.push_back(std::move(row));
    }
    std::sort(kr.sources.begin(), kr.sources.end(), [](const SourceRow& a, const SourceRow& b) {
      if (a.calls != b.calls) return a.calls > b.calls;
      return std::tie(a.vpc_id, a.ip) < std::tie(b.vpc_id, b.ip);
    });
    kr.vpc_ids.assign(vpcs.begin(), vpcs.end());
    kr.instances.assign(instances.begin(), instances.end());
    kr.all_from_instances = all_instances;
    report.keys.push_back(std::move(kr));
  }
  std::sort(report.keys.begin(), report.keys.end(), [](const KeyReport& a, const KeyReport& b) {
    if (a.stats->calls != b.stats->calls) return a.stats->calls > b.stats->calls;
    return a.stats->akid < b.stats->akid;
  });

  auto add = [&](Severity sev, std::string rule, const std::string& akid, const VaultKey* vk, std::string message,
                 std::string fix) {
    TrailFinding f;
    f.severity = sev;
    f.rule = std::move(rule);
    f.akid = akid;
    if (vk) {
      f.in_vault = true;
      f.owner = vk->meta.owner;
      f.app = vk->meta.app;
    }
    f.message = std::move(message);
    f.fix = std::move(fix);
    report.findings.push_back(std::move(f));
  };

  for (const KeyReport& kr : report.keys) {
    const KeyStats& s = *kr.stats;
    const std::string calls = std::to_string(s.calls) + " call" + (s.calls == 1 ? "" : "s");
    if (!kr.vault) {
      add(Severity::kError, "not-in-vault", s.akid, nullptr,
          calls + " by a key the vault does not hold" + (s.user_name.empty() ? "" : " (user " + s.user_name + ")") +
              ", last at " + FormatEventTime(s.last),
          "find its owner; `akvault add` it if it must stay, otherwise disable it in the RAM console");
    }
    const bool main = s.root_calls > 0 || (kr.vault && kr.vault->meta.main_account);
    if (main) {
      add(Severity::kError, "main-account-key", s.akid, kr.vault, calls + " signed with the main account's AccessKey",
          "create a RAM user with only the permissions needed, move the callers to its key, then delete the main "
          "account's AccessKey");
    }
    if (kr.vault && kr.vault->meta.status == KeyStatus::kRetired && s.calls_after_status > 0) {
      add(Severity::kError, "retired-key-used", s.akid, kr.vault,
          std::to_string(s.calls_after_status) + " calls after it was retired on " +
              kr.vault->meta.status_since->ToString() + ": it is still enabled in the console",
          "disable it in the RAM console now, then find the caller (a leak or a forgotten server)");
    }
    if (kr.vault && kr.vault->meta.status == KeyStatus::kSuperseded && s.calls_after_status > 0) {
      const KeyMetadata& m = kr.vault->meta;
      const std::string successor = m.successor ? *m.successor : std::string("its successor");
      if (s.calls_after_grace > 0) {
        add(Severity::kError, "superseded-key-used", s.akid, kr.vault,
            std::to_string(s.calls_after_grace) + " calls after its grace period ended on " +
                (m.due_date ? m.due_date->ToString() : std::string("?")) + ": it is still enabled in the console",
            "move the callers to " + successor + ", disable the key in the RAM console, then `akvault retire " +
                s.akid + "`");
      } else {
        add(Severity::kWarning, "superseded-key-used", s.akid, kr.vault,
            std::to_string(s.calls_after_status) + " calls since it was superseded on " + m.status_since->ToString(),
            "move the callers to " + successor + " before the grace period ends" +
                (m.due_date ? " on " + m.due_date->ToString() : std::string()));
      }
    }
    if (kr.outside_policy > 0) {
      std::vector<std::string> srcs;
      for (const SourceRow& r : kr.sources) {
        if (r.allowed == false) srcs.push_back(SourceText(r));
      }
      add(Severity::kError, "outside-policy", s.akid, kr.vault,
          std::to_string(kr.outside_policy) + " calls from outside its network policy: " + List(srcs),
          "if the source is yours, `akvault policy " + s.akid +
              " --allow SOURCE` and apply the new policy; otherwise the key leaked: rotate it now");
    }
    if (kr.internet_not_own > 0) {
      std::vector<std::string> srcs;
      for (const SourceRow& r : kr.sources) {
        if (r.vpc_id.empty() && !r.own && r.allowed != true) srcs.push_back(r.ip);
      }
      add(Severity::kWarning, "internet-not-own", s.akid, kr.vault,
          std::to_string(kr.internet_not_own) + " calls over the internet from addresses that are not the account's" +
              (have_inventory ? "" : " (no --instances given)") + ": " + List(srcs),
          "if these addresses are yours, record them with `akvault policy " + s.akid +
              " --allow IP`; if not, the key leaked: rotate it now");
    }
    if (kr.all_from_instances) {
      add(Severity::kWarning, "ram-role-candidate", s.akid, kr.vault,
          "all " + calls + " come from ECS instances " + List(kr.instances, 10),
          "attach a RAM role to instances " + List(kr.instances, 10) +
              " and use its temporary credentials, then retire this key");
    } else if (!kr.vpc_ids.empty() && s.internet_calls == 0 && !have_inventory) {
      add(Severity::kWarning, "ram-role-candidate", s.akid, kr.vault,
          "all " + calls + " come through " + List(kr.vpc_ids) + " (instances unknown: give --instances)",
          "find the instances calling from these VPCs, attach a RAM role to them, then retire this key");
    }
    if (kr.vault && !kr.vault->policy && kr.vault->meta.status == KeyStatus::kActive) {
      std::vector<std::string> allow;
      std::set<std::string> seen;
      for (const SourceRow& r : kr.sources) {
        std::string entry = r.vpc_id.empty() ? r.ip : r.vpc_id;
        if (!ParseIp(r.ip) && r.vpc_id.empty()) continue;
        if (seen.insert(entry).second) allow.push_back("--allow " + entry);
      }
      if (!allow.empty()) {
        add(Severity::kInfo, "no-policy", s.akid, kr.vault,
            "has no network policy; its calls came from " + std::to_string(kr.sources.size()) + " source(s)",
            "`akvault policy " + s.akid + " " + List(allow, 8) + "`, then apply `akvault policy " + s.akid +
                " --json` with `aliyun ims SetAccessKeyPolicy`");
      }
    }
  }

  std::vector<const VaultKey*> unused;
  for (const auto& [akid, vk] : vault) {
    if (vk.meta.status == KeyStatus::kRetired || agg.keys().count(akid)) continue;
    // A key created after the last event examined could not have been used.
    if (agg.last() && vk.meta.created.days() * 86400 > *agg.last()) continue;
    unused.push_back(&vk);
  }
  std::sort(unused.begin(), unused.end(),
            [](const VaultKey* a, const VaultKey* b) { return a->meta.akid < b->meta.akid; });
  for (const VaultKey* vk : unused) {
    add(Severity::kWarning, "unused-key", vk->meta.akid, vk, "no call in the period examined",
        "if nothing uses it, disable it in the RAM console and `akvault retire " + vk->meta.akid + "`");
  }
  report.unused = std::move(unused);
  std::stable_sort(report.findings.begin(), report.findings.end(), [](const TrailFinding& a, const TrailFinding& b) {
    if (a.severity != b.severity) return a.severity > b.severity;
    if (a.rule != b.rule) return a.rule < b.rule;
    return a.akid < b.akid;
  });
  return report;
}

}  // namespace akv::trail
