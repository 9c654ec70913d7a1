#include "vault/crypto/kdf.h"

#include <sodium.h>

#include <atomic>

namespace akv {
namespace {
std::atomic<std::uint64_t> g_derivations{0};
}  // namespace

static_assert(kKdfAlgArgon2id13 == crypto_pwhash_ALG_ARGON2ID13);
static_assert(kKdfSaltBytes == crypto_pwhash_SALTBYTES);

std::optional<KdfParams> KdfPreset(std::string_view name) {
  if (name == "interactive") return kKdfInteractive;
  if (name == "moderate") return kKdfModerate;
  if (name == "sensitive") return kKdfSensitive;
  return std::nullopt;
}

std::string KdfPresetName(const KdfParams& params) {
  if (params == kKdfInteractive) return "interactive";
  if (params == kKdfModerate) return "moderate";
  if (params == kKdfSensitive) return "sensitive";
  return "custom";
}

Status CheckKdfBounds(std::uint8_t alg, const KdfParams& params) {
  if (alg != kKdfAlgArgon2id13) {
    return Status::Format("unsupported key derivation algorithm " + std::to_string(alg) + " (only Argon2id is accepted)");
  }
  if (params.ops < kKdfMinOps || params.ops > kKdfMaxOps) {
    return Status::Format("Argon2id passes " + std::to_string(params.ops) + " out of bounds (accepted: 2 to 10)");
  }
  if (params.mem_bytes < kKdfMinMem || params.mem_bytes > kKdfMaxMem || params.mem_bytes % 1024 != 0) {
    return Status::Format("Argon2id memory " + std::to_string(params.mem_bytes) +
                          " bytes out of bounds (accepted: 64 MiB to 1 GiB, whole KiB)");
  }
  return Status::Ok();
}

Result<SecretBuffer> DeriveKeyFromPassphrase(std::span<const std::uint8_t> secret, ByteView salt,
                                             const KdfParams& params) {
  AKV_RETURN_IF_ERROR(CheckKdfBounds(kKdfAlgArgon2id13, params));
  if (salt.size() != kKdfSaltBytes) return Status::Format("key derivation salt has the wrong length");
  SecretBuffer key(32);
  ++g_derivations;
  if (crypto_pwhash(key.data(), key.size(), reinterpret_cast<const char*>(secret.data()), secret.size(), salt.data(),
                    params.ops, static_cast<std::size_t>(params.mem_bytes), crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Status::Internal("Argon2id failed: not enough memory for " + std::to_string(params.mem_bytes >> 20) + " MiB",
                            "free memory, or use a vault made with --kdf interactive");
  }
  return key;
}

std::uint64_t KdfDerivationCount() { return g_derivations.load(); }

}  // namespace akv
