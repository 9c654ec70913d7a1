// Vault: distribution history and settings, each row MACed into the state.
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "vault/clock.h"
#include "vault/crypto/random.h"
#include "vault/encoding/canonical.h"
#include "vault/encoding/json_dump.h"
#include "vault/vault_write.h"

namespace akv {

namespace vault_internal {

Mac DistributionMacUnder(const SecretBuffer& state_key, ByteView vault_id, const Distribution& d) {
  CanonicalWriter w("akvault/state/distribution");
  w.Field(vault_id).Text(d.bundle_id).Text(d.akid).Number(d.created_at).Number(d.expires_at).Text(d.mode);
  w.Number(static_cast<std::int64_t>(d.recipients.size()));
  for (const auto& r : d.recipients) w.Text(r);
  w.Text(d.destination);
  return KeyedHash(state_key, {w.bytes()});
}

Mac ConfigMacUnder(const SecretBuffer& state_key, ByteView vault_id, const std::string& name,
                   const std::string& value) {
  CanonicalWriter w("akvault/state/config");
  w.Field(vault_id).Text(name).Text(value);
  return KeyedHash(state_key, {w.bytes()});
}

}  // namespace vault_internal

Mac Vault::DistributionMac(const Distribution& d) const {
  return vault_internal::DistributionMacUnder(subkeys_->state, keyring_.vault_id, d);
}

Mac Vault::ConfigMac(const std::string& name, const std::string& value) const {
  return vault_internal::ConfigMacUnder(subkeys_->state, keyring_.vault_id, name, value);
}
Status Vault::RecordExport(const std::vector<Distribution>& rows, const std::vector<StoredKey>& exported) {
  AKV_RETURN_IF_ERROR(RequireUnlocked());
  if (rows.empty()) return Status::Ok();
  AKV_ASSIGN_OR_RETURN(auto write, Write::Begin(*this));
  // Under the write lock (H2-6): the keys as they are now, not as they were
  // when the export selected them.
  for (const StoredKey& key : exported) {
    AKV_ASSIGN_OR_RETURN(auto now, FindKey(key.meta.akid));
    const char* what = nullptr;
    if (!now) {
      what = "was removed";
    } else if (now->meta.status != KeyStatus::kActive) {
      what = now->meta.status == KeyStatus::kSuperseded ? "was rotated" : "was retired";
    } else if (now->uuid != key.uuid || now->version != key.version) {
      what = "was changed";
    }
    if (what != nullptr) {
      return Status::Conflict("AccessKey " + key.meta.akid + " " + what + " by another akvault while this export ran",
                              "nothing was recorded and no bundle was written; export the keys again");
    }
  }
  AKV_ASSIGN_OR_RETURN(Statement insert,
                       db_->Prepare("INSERT INTO distributions (bundle_id, akid, created_at, expires_at, mode, "
                                    "recipients, destination, mac) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
  nlohmann::json ids = nlohmann::json::array();
  for (const Distribution& d : rows) {
    const Mac mac = DistributionMac(d);
    insert.Bind(1, d.bundle_id).Bind(2, d.akid).Bind(3, d.created_at).Bind(4, d.expires_at).Bind(5, d.mode);
    insert.Bind(6, DumpJson(nlohmann::json(d.recipients))).Bind(7, d.destination).BindBlob(8, mac);
    AKV_RETURN_IF_ERROR(insert.RunChanging(1, "recording the distribution of " + d.akid));
    write->AddElement(mac);
    ids.push_back(d.akid);
  }
  const Distribution& first = rows.front();
  nlohmann::json detail = {{"bundle_id", first.bundle_id}, {"akids", ids},
                           {"mode", first.mode},           {"recipients", first.recipients},
                           {"expires_at", first.expires_at}, {"destination", first.destination}};
  AKV_RETURN_IF_ERROR(write->Audit("export", rows.size() == 1 ? std::optional<std::string>(first.akid) : std::nullopt,
                                   DumpJson(detail)));
  return write->Commit();
}

Result<std::optional<std::string>> Vault::ConfigValue(const std::string& name) {
  AKV_ASSIGN_OR_RETURN(Statement stmt, db_->Prepare("SELECT value FROM config WHERE name = ?1"));
  stmt.Bind(1, name);
  AKV_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(stmt.Text(0));
}

Result<std::optional<std::string>> Vault::VerifiedConfig(const std::string& name) {
  AKV_RETURN_IF_ERROR(RequireUnlocked());
  AKV_ASSIGN_OR_RETURN(Statement stmt, db_->Prepare("SELECT value, mac FROM config WHERE name = ?1"));
  stmt.Bind(1, name);
  AKV_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<std::string>();
  std::string value = stmt.Text(0);
  if (!ConstantTimeEqual(ConfigMac(name, value), stmt.Blob(1))) {
    return Status::Tampered("vault setting " + name + " failed authentication", "run `akvault check`");
  }
  return std::optional<std::string>(std::move(value));
}

Status Vault::SetConfig(const std::string& name, const std::string& value) {
  AKV_RETURN_IF_ERROR(RequireUnlocked());
  AKV_ASSIGN_OR_RETURN(auto write, Write::Begin(*this));
  AKV_ASSIGN_OR_RETURN(auto previous, VerifiedConfig(name));
  if (previous) write->RemoveElement(ConfigMac(name, *previous));
  const Mac mac = ConfigMac(name, value);
  AKV_ASSIGN_OR_RETURN(Statement upsert,
                       db_->Prepare("INSERT INTO config (name, value, mac) VALUES (?1, ?2, ?3) ON CONFLICT(name) DO "
                                    "UPDATE SET value = excluded.value, mac = excluded.mac"));
  upsert.Bind(1, name).Bind(2, value).BindBlob(3, mac);
  AKV_RETURN_IF_ERROR(upsert.RunChanging(1, "storing setting " + name));
  write->AddElement(mac);
  nlohmann::json detail = {{"name", name}, {"value", value},
                           {"previous", previous ? nlohmann::json(*previous) : nlohmann::json(nullptr)}};
  AKV_RETURN_IF_ERROR(write->Audit("config", std::nullopt, DumpJson(detail)));
  return write->Commit();
}

}  // namespace akv
