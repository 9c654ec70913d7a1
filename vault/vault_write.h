// Internal to the vault library: one write transaction.
//
// Begin() takes the write lock (BEGIN IMMEDIATE), loads the vault-state sum
// and the audit head and verifies the stored state tag before anything
// changes, so a write never builds on a tampered state. Callers add and
// remove elements and append audit entries; Commit() stores the new tag and
// commits. Destroying an uncommitted Write rolls everything back.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "vault/audit.h"
#include "vault/state_mac.h"
#include "vault/storage/database.h"
#include "vault/vault.h"

namespace akv {

class Vault::Write {
 public:
  static Result<std::unique_ptr<Write>> Begin(Vault& vault);
  void AddElement(const Mac& element) { StateAdd(state_, element); }
  void RemoveElement(const Mac& element) { StateRemove(state_, element); }
  Status Audit(const std::string& event, const std::optional<std::string>& akid, const std::string& detail_json);
  Status Commit();
  // True when the keyring row, re-read under the write lock, is not the one
  // this command unlocked (a concurrent passwd committed in between). A plain
  // re-wrap keeps the vault key, so most writes may go on; passwd must not.
  bool keyring_changed() const { return keyring_changed_; }
  // The state as rebuilt by a re-key under the new vault key: the sum of
  // every re-computed element and the head of the re-chained audit trail.
  // Audit() and Commit() then continue from it, under the vault's (new) keys.
  const VaultState& state() const { return state_; }
  void Rebase(const VaultState& state, const Mac& audit_head) {
    state_ = state;
    audit_head_ = audit_head;
  }

 private:
  Write(Vault& vault, std::unique_ptr<Transaction> txn) : vault_(vault), txn_(std::move(txn)) {}
  Vault& vault_;
  std::unique_ptr<Transaction> txn_;
  VaultState state_;
  Mac audit_head_{};
  std::int64_t audit_seq_ = 0;
  bool keyring_changed_ = false;
};

// Shared by the vault's .cc files.
namespace vault_internal {
// Column list for SELECTs of the keys table, in the order RowToKey reads.
inline constexpr const char* kKeyColumns =
    "akid, uuid, version, owner, app, status, created, rotate_days, due_date, status_since, predecessor, successor, "
    "main_account, nonce, sealed";
Result<StoredKey> RowToKey(const Statement& row);
// INSERT of a full key row (15 parameters in kKeyColumns order).
inline constexpr const char* kInsertKeySql =
    "INSERT INTO keys (akid, uuid, version, owner, app, status, created, rotate_days, due_date, status_since, "
    "predecessor, successor, main_account, nonce, sealed) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
    "?13, ?14, ?15)";
inline constexpr const char* kUpdateKeySql =
    "UPDATE keys SET uuid=?2, version=?3, owner=?4, app=?5, status=?6, created=?7, rotate_days=?8, due_date=?9, "
    "status_since=?10, predecessor=?11, successor=?12, main_account=?13, nonce=?14, sealed=?15 WHERE akid=?1";
void BindKey(Statement& stmt, const StoredKey& key);
// Makes `key` a new active key with `meta` (its due date the deadline), a
// uuid from `rng` and version 1. Assigns into an existing StoredKey, so that
// an import reuses one row's buffers for every key.
void SetNewStoredKey(StoredKey& key, const KeyMetadata& meta, Rng& rng);
// "owner alice, app billing" or "owner bob, no app (personal key)", for messages.
std::string OwnerAndApp(const KeyMetadata& meta);
// Column list for SELECTs of the distributions table, in RowToDistribution's order.
inline constexpr const char* kDistributionColumns =
    "bundle_id, akid, created_at, expires_at, mode, recipients, destination, mac";
Result<Distribution> RowToDistribution(const Statement& row);
// The MACs of a distribution and a config row under a given state subkey
// (Vault::DistributionMac/ConfigMac use the vault's own; a re-key the new one).
Mac DistributionMacUnder(const SecretBuffer& state_key, ByteView vault_id, const Distribution& d);
Mac ConfigMacUnder(const SecretBuffer& state_key, ByteView vault_id, const std::string& name, const std::string& value);
}  // namespace vault_internal

}  // namespace akv
