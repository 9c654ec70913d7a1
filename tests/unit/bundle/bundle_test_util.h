// Shared fixtures for the bundle tests and the vector generator: fixed
// times, sample payloads, seeded passwords and identities, fast and counting
// stand-ins for Argon2id, and the test-vector file reader.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "vault/bundle/payload.h"
#include "vault/bundle/seal.h"
#include "vault/crypto/box.h"
#include "vault/crypto/kdf.h"

namespace akv::testing {

inline constexpr std::int64_t kCreated = 1767225600;  // 2026-01-01T00:00:00Z
inline constexpr std::int64_t kExpires = kCreated + 7 * 86400;
inline constexpr std::int64_t kNow = kCreated + 3600;
// The cheapest parameters a bundle may carry: what real-Argon2id tests use.
inline constexpr KdfParams kMinKdf{2, 64ULL << 20};

// `count` keys with fake IDs LTAI5tBundleTest0000000N and 30-char secrets.
BundlePayload SamplePayload(int count = 1);
// The fake secret of key n (1-based) in SamplePayload. Test data only.
std::string SampleSecret(int n);
// The payload's canonical JSON as text (test data only: fake secrets).
std::string PayloadText(const BundlePayload& payload);

// NormalizeBundlePassword(GenerateBundlePassword(SeededRng(seed))).
SecretBuffer CanonicalPassword(std::uint8_t seed);
// The display form of the same password.
SecretBuffer DisplayPassword(std::uint8_t seed);
BoxKeyPair SeededIdentity(std::uint8_t seed);

// A stand-in for Argon2id: BLAKE2b of a domain, the password, salt and
// parameters. Keeps every property the bundle relies on (deterministic,
// different for any changed input) at a millionth of the cost.
Result<SecretBuffer> FastKdf(std::span<const std::uint8_t> password, ByteView salt, const KdfParams& params);

// Counts calls, then delegates to FastKdf.
struct CountingKdf {
  int calls = 0;
  PasswordKdfFn Fn() {
    return [this](std::span<const std::uint8_t> pw, ByteView salt, const KdfParams& p) {
      ++calls;
      return FastKdf(pw, salt, p);
    };
  }
};

// Seal options for each mode, with fixed times. `kdf_fn` empty = Argon2id.
SealOptions PasswordOptions(const SecretBuffer& canonical_password, PasswordKdfFn kdf_fn = FastKdf);
SealOptions RecipientOptions(std::vector<BoxPublicKey> recipients);

// One test-vector file: "key: value" lines, a blank line, then the bundle.
struct VectorFile {
  std::string name;
  std::map<std::string, std::string> fields;
  Bytes body;
};
VectorFile ReadVectorFile(const std::string& path);
std::string FormatVectorFile(const std::vector<std::pair<std::string, std::string>>& fields, ByteView body);

}  // namespace akv::testing
