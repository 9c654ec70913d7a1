#include "vault/scan/fingerprint.h"

#include <cstring>

namespace akv::scan {
namespace {

constexpr std::string_view kIdDomain = "akvault/scan/id/v1";
constexpr std::string_view kSecretDomain = "akvault/scan/secret/v1";
constexpr std::string_view kKeyMacDomain = "akvault/scan/key-mac/v1";
constexpr std::string_view kRowMacDomain = "akvault/scan/row-mac/v1";

}  // namespace

Mac IdFingerprint(const KeyedHasher& hasher, std::string_view akid) {
  return hasher({AsBytes(kIdDomain), AsBytes(akid)});
}

Mac SecretFingerprint(const KeyedHasher& hasher, ByteView secret) { return hasher({AsBytes(kSecretDomain), secret}); }

Mac ScanKeyMac(const SecretBuffer& state_key, ByteView vault_id, ByteView fp_key) {
  return KeyedHash(state_key, {AsBytes(kKeyMacDomain), vault_id, fp_key});
}

Mac FingerprintRowMac(const SecretBuffer& state_key, ByteView vault_id, std::string_view akid, ByteView id_fp,
                      ByteView secret_fp) {
  // The ID is variable-length: its length goes first so that no two rows
  // share the MAC input.
  Bytes length;
  AppendU32BE(length, static_cast<std::uint32_t>(akid.size()));
  return KeyedHash(state_key, {AsBytes(kRowMacDomain), vault_id, length, AsBytes(akid), id_fp, secret_fp});
}

std::size_t FingerprintSet::MacHash::operator()(const Mac& m) const {
  std::size_t h;
  std::memcpy(&h, m.data(), sizeof h);  // a keyed hash: its bytes are uniform already
  return h;
}

void FingerprintSet::Add(const Mac& fp, const std::string& akid) { map_.emplace(fp, akid); }

const std::string* FingerprintSet::Find(const Mac& fp) const {
  auto it = map_.find(fp);
  return it == map_.end() ? nullptr : &it->second;
}

}  // namespace akv::scan
