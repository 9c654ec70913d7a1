// Vault: each key's network policy, a row MACed into the state like config.
#include <nlohmann/json.hpp>

#include "vault/crypto/random.h"
#include "vault/encoding/canonical.h"
#include "vault/encoding/json_dump.h"
#include "vault/vault_write.h"

namespace akv {

namespace vault_internal {

Mac KeyPolicyMacUnder(const SecretBuffer& state_key, ByteView vault_id, const std::string& akid, ByteView uuid,
                      const std::string& policy) {
  CanonicalWriter w("akvault/state/key-policy");
  w.Field(vault_id).Text(akid).Field(uuid).Text(policy);
  return KeyedHash(state_key, {w.bytes()});
}

}  // namespace vault_internal

Mac Vault::KeyPolicyMac(const std::string& akid, ByteView uuid, const std::string& policy) const {
  return vault_internal::KeyPolicyMacUnder(subkeys_->state, keyring_.vault_id, akid, uuid, policy);
}

Result<std::optional<std::pair<Mac, std::string>>> Vault::LoadKeyPolicy(const StoredKey& key) {
  AKV_ASSIGN_OR_RETURN(Statement stmt, db_->Prepare("SELECT policy, mac FROM key_policy WHERE akid = ?1"));
  stmt.Bind(1, key.meta.akid);
  AKV_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<std::pair<Mac, std::string>>();
  std::string policy = stmt.Text(0);
  const Mac mac = KeyPolicyMac(key.meta.akid, key.uuid, policy);
  if (!ConstantTimeEqual(mac, stmt.Blob(1))) {
    return Status::Tampered("the network policy of " + key.meta.akid + " failed authentication", "run `akvault check`");
  }
  return std::optional<std::pair<Mac, std::string>>(std::make_pair(mac, std::move(policy)));
}

Result<std::optional<std::string>> Vault::VerifiedKeyPolicy(const std::string& akid) {
  AKV_RETURN_IF_ERROR(RequireUnlocked());
  AKV_ASSIGN_OR_RETURN(auto key, FindKey(akid));
  if (!key) {
    // A policy row without its key was added outside akvault.
    AKV_ASSIGN_OR_RETURN(Statement stmt, db_->Prepare("SELECT 1 FROM key_policy WHERE akid = ?1"));
    stmt.Bind(1, akid);
    AKV_ASSIGN_OR_RETURN(bool orphan, stmt.Step());
    if (orphan) return Status::Tampered("a network policy for " + akid + " has no key", "run `akvault check`");
    return std::optional<std::string>();
  }
  AKV_ASSIGN_OR_RETURN(auto loaded, LoadKeyPolicy(*key));
  if (!loaded) return std::optional<std::string>();
  return std::optional<std::string>(std::move(loaded->second));
}

Status Vault::ForEachKeyPolicy(const std::function<Status(const std::string&, const std::string&)>& fn) {
  AKV_RETURN_IF_ERROR(RequireUnlocked());
  AKV_ASSIGN_OR_RETURN(Statement stmt,
                       db_->Prepare("SELECT p.akid, p.policy, p.mac, k.uuid FROM key_policy p LEFT JOIN keys k "
                                    "ON k.akid = p.akid ORDER BY p.akid"));
  for (;;) {
    AKV_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return Status::Ok();
    const std::string akid = stmt.Text(0);
    if (stmt.IsNull(3)) return Status::Tampered("a network policy for " + akid + " has no key", "run `akvault check`");
    const std::string policy = stmt.Text(1);
    if (!ConstantTimeEqual(KeyPolicyMac(akid, stmt.Blob(3), policy), stmt.Blob(2))) {
      return Status::Tampered("the network policy of " + akid + " failed authentication", "run `akvault check`");
    }
    AKV_RETURN_IF_ERROR(fn(akid, policy));
  }
}

Status Vault::ForEachStoredKeyPolicy(const std::function<Status(const std::string&, const std::string&)>& fn) {
  AKV_ASSIGN_OR_RETURN(Statement stmt, db_->Prepare("SELECT akid, policy FROM key_policy ORDER BY akid"));
  for (;;) {
    AKV_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return Status::Ok();
    AKV_RETURN_IF_ERROR(fn(stmt.Text(0), stmt.Text(1)));
  }
}

Result<std::vector<std::string>> Vault::KeyPolicyAkids() {
  AKV_ASSIGN_OR_RETURN(Statement stmt, db_->Prepare("SELECT akid FROM key_policy ORDER BY akid"));
  std::vector<std::string> out;
  for (;;) {
    AKV_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return out;
    out.push_back(stmt.Text(0));
  }
}

Status Vault::SetKeyPolicy(const std::string& akid, const std::optional<std::string>& policy) {
  AKV_RETURN_IF_ERROR(RequireUnlocked());
  AKV_ASSIGN_OR_RETURN(auto write, Write::Begin(*this));
  AKV_ASSIGN_OR_RETURN(auto key, FindKey(akid));
  if (!key) return Status::NotFound("no AccessKey " + akid + " in the vault", "see `akvault list --all`");
  // The record must verify, so the uuid the MAC binds is the real one.
  AKV_RETURN_IF_ERROR(OpenKeyRecord(*key).status());
  AKV_ASSIGN_OR_RETURN(auto previous, LoadKeyPolicy(*key));
  if (previous) {
    write->RemoveElement(previous->first);
    AKV_ASSIGN_OR_RETURN(Statement del, db_->Prepare("DELETE FROM key_policy WHERE akid = ?1"));
    del.Bind(1, akid);
    AKV_RETURN_IF_ERROR(del.Run());
  }
  if (policy) {
    const Mac mac = KeyPolicyMac(akid, key->uuid, *policy);
    AKV_ASSIGN_OR_RETURN(Statement insert,
                         db_->Prepare("INSERT INTO key_policy (akid, policy, mac) VALUES (?1, ?2, ?3)"));
    insert.Bind(1, akid).Bind(2, *policy).BindBlob(3, mac);
    AKV_RETURN_IF_ERROR(insert.Run());
    write->AddElement(mac);
  }
  auto as_json = [](const std::optional<std::string>& text) {
    if (!text) return nlohmann::json(nullptr);
    auto parsed = nlohmann::json::parse(*text, nullptr, false);
    return parsed.is_discarded() ? nlohmann::json(*text) : parsed;
  };
  nlohmann::json detail = {
      {"policy", as_json(policy)},
      {"previous", as_json(previous ? std::optional<std::string>(previous->second) : std::nullopt)}};
  AKV_RETURN_IF_ERROR(write->Audit("policy", akid, DumpJson(detail)));
  return write->Commit();
}

}  // namespace akv
