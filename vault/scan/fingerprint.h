// Fingerprints of AccessKey IDs and secrets, for the leak scan.
//
// A fingerprint is BLAKE2b-256 keyed with the vault's random scan key over a
// domain string and the ID or secret. The scan key sits in the vault in clear
// (scan runs without the passphrase); it makes fingerprints differ between
// vaults, so no table computed once serves for every vault, and what keeps a
// secret from being recovered is its own 178 bits (docs/design.md, "Leak
// scan").
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "vault/bytes.h"
#include "vault/crypto/mac.h"
#include "vault/crypto/secret.h"

namespace akv::scan {

inline constexpr std::size_t kScanKeyBytes = 32;

Mac IdFingerprint(const KeyedHasher& hasher, std::string_view akid);
Mac SecretFingerprint(const KeyedHasher& hasher, ByteView secret);

// The element MACs that let an unlocked vault check the table (vault state
// subkey, bound to the vault id).
Mac ScanKeyMac(const SecretBuffer& state_key, ByteView vault_id, ByteView fp_key);
Mac FingerprintRowMac(const SecretBuffer& state_key, ByteView vault_id, std::string_view akid, ByteView id_fp,
                      ByteView secret_fp);

// What scan loads from a vault, with no passphrase.
struct FingerprintRow {
  std::string akid;
  Mac id_fp{};
  Mac secret_fp{};
};
struct ScanIndex {
  SecretBuffer key;  // empty when the vault has no scan key yet
  std::vector<FingerprintRow> rows;
  std::size_t keys_without_fingerprint = 0;  // added by an akvault before version 6
};

// A lookup table from fingerprint to AccessKey ID.
class FingerprintSet {
 public:
  void Add(const Mac& fp, const std::string& akid);
  // The ID whose fingerprint this is, or nullptr.
  const std::string* Find(const Mac& fp) const;
  bool empty() const { return map_.empty(); }

 private:
  struct MacHash {
    std::size_t operator()(const Mac& m) const;
  };
  std::unordered_map<Mac, std::string, MacHash> map_;
};

}  // namespace akv::scan
