// Matcher: turns the detector's candidates into hits.
//
// - An AccessKey ID candidate is a hit when the vault holds that ID (by its
//   fingerprint; a placeholder-looking ID the vault holds is still its key),
//   or when it is not a placeholder (an unknown key).
// - A 30-character token is a hit only when its fingerprint is one of the
//   vault's secret fingerprints; the hit names that key's ID and carries a
//   masked form of the token, never the token.
// Thread-safe after construction: threads share one Matcher.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "vault/crypto/mac.h"
#include "vault/scan/detector.h"
#include "vault/scan/fingerprint.h"

namespace akv::scan {

enum class Matched : std::uint8_t { kId, kSecret };

// Where a hit is: a file, or a git blob (commit and path), or a line of
// standard input ("-").
struct Location {
  std::string path;
  std::string commit;  // git history: the commit that introduced the blob
  std::uint64_t line = 0;
  std::uint64_t column = 0;
};

struct Hit {
  Location where;
  Matched what = Matched::kId;
  std::string akid;
  std::string masked;     // the secret's first 3 characters then '*'; the ID itself for an ID
  bool in_vault = false;  // the ID or the secret is a vault key's
};

class Matcher {
 public:
  // Without a vault: unknown IDs only.
  Matcher() = default;
  // `index` from Vault::LoadScanIndex. Rows are copied into lookup tables.
  explicit Matcher(const ScanIndex& index);

  bool wants_secret_tokens() const { return !secrets_.empty(); }
  // The hit for a candidate, without its location; nullopt for a decoy.
  std::optional<Hit> Classify(const Candidate& candidate) const;

 private:
  std::optional<KeyedHasher> hasher_;
  FingerprintSet ids_;
  FingerprintSet secrets_;
};

// "aB3***************************": enough to tell two secrets apart in a
// report, 18 bits of a 178-bit secret.
std::string MaskSecret(std::string_view secret);

}  // namespace akv::scan
