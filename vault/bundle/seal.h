// Sealing and opening bundles: the cryptography on top of format.h.
//
// Key schedule (docs/bundle-format.md, "Key schedule"):
//   file_key  32 random bytes
//   W         Argon2id(canonical password, salt, ops, mem)          (modes 1, 3)
//   wrap      XChaCha20-Poly1305(file_key, AAD = header magic..salt, key W)
//   stanza    crypto_box_seal(file_key) (mode 2) or crypto_box_seal(wrap_nonce || wrap) (mode 3)
//   header_mac HMAC-SHA-512-256(header, key = crypto_kdf(file_key, 1, "AKVBNDL1"))
//   payload   XChaCha20-Poly1305(EncodePayload(...), AAD = header || header_mac,
//             key = crypto_kdf(file_key, 2, "AKVBNDL1"))
// Mode 3 seals the password wrap to each recipient, so opening needs BOTH
// an identity and the password; there is never a stanza either opens alone.
//
// OpenBundle checks in this order, each with its own error code:
//   1. dearmor / parse ..................................... kFormat (A1-A3, A7-A12)
//   2. a password or identity the mode needs is missing,
//      or one it does not use is given ..................... kUsage
//   3. password normalised, typo found before any KDF ...... kInput / kAuth
//   4. recipients: a low-order ephemeral key in any stanza . kFormat (A14)
//      no stanza opens with the identity ................... kNoMatch (A15)
//   5. password unwrap fails ............................... kAuth "wrong password, or the bundle was modified" (A4)
//   6. header MAC fails .................................... kTampered
//   7. now >= expires, or created > now + 300 s ............ kExpired (A6; judged on the authenticated header)
//   8. payload AEAD fails .................................. kTampered
//   9. payload is not the canonical JSON ................... kFormat (A16, A17)
// Every key (file key, W, subkeys) and the plaintext live in SecretBuffers,
// wiped on every path.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "vault/bundle/payload.h"
#include "vault/bytes.h"
#include "vault/crypto/box.h"
#include "vault/crypto/kdf.h"
#include "vault/crypto/random.h"
#include "vault/crypto/secret.h"
#include "vault/status.h"

namespace akv {

// Derives the 32-byte wrapping key W. The default is DeriveKeyFromPassphrase
// (Argon2id). Injectable ONLY so the exhaustive bit-flip tests can open
// thousands of bundles quickly; product code never sets it.
using PasswordKdfFn =
    std::function<Result<SecretBuffer>(std::span<const std::uint8_t> password, ByteView salt, const KdfParams&)>;

// ops 3, 64 MiB: the password already carries 120 bits (docs/bundle-format.md).
inline constexpr KdfParams kBundleKdf{3, 64ULL << 20};

struct SealOptions {
  const SecretBuffer* password = nullptr;  // canonical 25-symbol form (NormalizeBundlePassword)
  std::vector<BoxPublicKey> recipients;    // 0..32, distinct
  std::int64_t created = 0;                // Unix seconds
  std::int64_t expires = 0;                // >= created
  KdfParams kdf = kBundleKdf;
  PasswordKdfFn kdf_fn;  // empty => Argon2id
};

struct SealedBundle {
  Bytes bytes;      // the binary bundle (ArmorBundle for text)
  Bytes bundle_id;  // 16 bytes
};

// Password only, recipients only, or both (layered). Every random value
// (bundle id, file key, salt, nonces, in that order) comes from `rng`, so a
// SeededRng reproduces password-mode bundles byte for byte; crypto_box_seal
// draws its own ephemeral keys. kUsage on options that cannot make a valid
// bundle (no password and no recipient, 33 recipients, a repeated or
// low-order recipient, a non-canonical password, times out of order, a
// bundle over 1 MiB); the payload's own validation errors pass through.
Result<SealedBundle> SealBundle(const BundlePayload& payload, const SealOptions& options, Rng& rng);

struct OpenOptions {
  const SecretBuffer* password = nullptr;  // as typed; normalised inside
  const BoxKeyPair* identity = nullptr;
  std::int64_t now = 0;  // Unix seconds
  PasswordKdfFn kdf_fn;  // empty => Argon2id
};

// What the unauthenticated header says: enough for the CLI to decide what to
// ask for. Nothing here is trusted until OpenBundle has verified it.
struct BundleInfo {
  std::string bundle_id_hex;
  std::int64_t created = 0;
  std::int64_t expires = 0;
  bool needs_password = false;
  bool needs_identity = false;
  std::size_t recipient_count = 0;
};

// Binary or armored input; kFormat as in step 1 above. Needs no secret.
Result<BundleInfo> InspectBundle(ByteView raw);

struct OpenedBundle {
  BundleInfo info;  // from the authenticated header
  BundlePayload payload;
};

// Binary or armored input; the checks and codes listed at the top.
Result<OpenedBundle> OpenBundle(ByteView raw, const OpenOptions& options);

// TEST ONLY: seals `plaintext` as the payload without EncodePayload's
// validation, so tests can build a bundle whose encryption is valid but
// whose content is malformed (A16). Never call from product code.
Result<SealedBundle> SealArbitraryPayloadForTesting(const SecretBuffer& plaintext, const SealOptions& options,
                                                    Rng& rng);

}  // namespace akv
