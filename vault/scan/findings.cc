#include "vault/scan/findings.h"

#include <map>

#include "vault/vault.h"

namespace akv::scan {
namespace {

// The vault's facts per ID, looked up once per distinct ID.
class FactCache {
 public:
  explicit FactCache(Vault* vault) : vault_(vault) {}
  Result<const std::optional<KeyFacts>*> Get(const std::string& akid) {
    auto it = cache_.find(akid);
    if (it != cache_.end()) return &it->second;
    std::optional<KeyFacts> facts;
    if (vault_ != nullptr) {
      AKV_ASSIGN_OR_RETURN(auto stored, vault_->FindKey(akid));
      if (stored) {
        KeyFacts f;
        f.owner = stored->meta.owner;
        f.app = stored->meta.app;
        f.status = std::string(KeyStatusName(stored->meta.status));
        f.successor = stored->meta.successor;
        f.main_account = stored->meta.main_account;
        AKV_RETURN_IF_ERROR(vault_->ForEachDistribution(akid, [&](const Distribution& d) {
          f.bundles.push_back({d.bundle_id, d.created_at, d.destination, d.mode});
          return Status::Ok();
        }));
        facts = std::move(f);
      }
    }
    return &cache_.emplace(akid, std::move(facts)).first->second;
  }

 private:
  Vault* vault_;
  std::map<std::string, std::optional<KeyFacts>> cache_;
};

void Decide(Finding& f) {
  const std::string& id = f.hit.akid;
  if (!f.key) {
    f.kind = kKindUnknownKey;
    f.level = "error";
    f.next_step = "find whose key " + id +
                  " is (RAM console, AccessKey list), rotate it, add the replacement with `akvault add`, and "
                  "remove this copy";
  } else if (f.key->status == "active") {
    f.kind = kKindVaultKey;
    f.level = f.key->main_account ? "critical" : "error";
    f.next_step = "rotate: create a new AccessKey for " + f.key->owner + " in the console, `akvault rotate " + id +
                  " --new-id NEW_ID`, deliver it, then disable and delete " + id + "; remove this copy";
  } else {
    f.kind = kKindRetiredKey;
    f.level = "warning";
    f.next_step = "make sure " + id + " is disabled and deleted in the console" +
                  (f.key->successor ? " (replaced by " + *f.key->successor + ")" : std::string()) +
                  "; then remove this copy";
  }
  if (f.key && f.key->main_account) {
    f.level = "critical";
    f.next_step += "; it is a main-account key: replace it with a RAM user's key";
  }
}

}  // namespace

Result<std::vector<Finding>> ExplainHits(std::vector<Hit> hits, Vault* vault) {
  FactCache cache(vault);
  std::vector<Finding> out;
  out.reserve(hits.size());
  for (Hit& hit : hits) {
    Finding f;
    AKV_ASSIGN_OR_RETURN(const std::optional<KeyFacts>* facts, cache.Get(hit.akid));
    f.hit = std::move(hit);
    f.key = *facts;
    Decide(f);
    out.push_back(std::move(f));
  }
  return out;
}

Result<std::vector<Finding>> ExplainLeaks(const std::vector<LeakRecord>& leaks, Vault* vault) {
  FactCache cache(vault);
  std::vector<Finding> out;
  for (const LeakRecord& leak : leaks) {
    Finding f;
    f.hit.akid = leak.akid;
    f.hit.masked = leak.akid;
    f.hit.where.path = leak.url;
    AKV_ASSIGN_OR_RETURN(const std::optional<KeyFacts>* facts, cache.Get(leak.akid));
    f.key = *facts;
    f.leak = leak;
    Decide(f);
    const bool pending = leak.status == "pending" || leak.status.empty();
    if (pending && f.kind != kKindRetiredKey) {
      f.next_step = "rotate now (Security Center lists this leak as " +
                    (leak.status.empty() ? std::string("unhandled") : leak.status) + "): " + f.next_step;
    }
    if (leak.user_type == "master") {
      f.level = "critical";
      if (f.next_step.find("main-account") == std::string::npos) {
        f.next_step +=
            "; it is the main account's key (UserType master): critical, replace it with a RAM "
            "user's key";
      }
    }
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace akv::scan
