// The binary bundle format: bytes <-> structure, with no cryptography.
//
// Layout (big-endian, fixed width; byte-by-byte table in
// docs/bundle-format.md):
//   magic "akvault-bundle/v1\n" | bundle_id 16 | created u64 | expires u64 | mode u8
//   mode 1, 3: kdf_alg u8 | ops u32 | mem u64 | salt 16
//   mode 1:    wrap_nonce 24 | wrap 48
//   mode 2, 3: count u8 | count stanzas of 80 (mode 2) or 120 (mode 3) bytes
//   header_mac 32
//   payload_nonce 24 | length u32 | ciphertext (length bytes, tag included)
//
// Guarantees of ParseBundle:
// - Canonical: whatever it accepts, SerializeBundle turns back into exactly
//   the same bytes (every field has one encoding; nothing is skipped), so no
//   input can be read two ways. The fuzz target asserts this.
// - Bounded: input over kBundleMaxBytes, a length field that does not equal
//   the bytes that remain (0xFFFFFFFF, trailing garbage) and KDF parameters
//   outside CheckKdfBounds are refused before anything is allocated or
//   derived (A3, A7, A10).
// - Every failure is kFormat with a one-line message and a hint; messages
//   hold only numbers and fixed words, never input bytes beyond a short
//   printable version token.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "vault/bundle/constants.h"
#include "vault/bytes.h"
#include "vault/crypto/aead.h"
#include "vault/crypto/kdf.h"
#include "vault/crypto/mac.h"
#include "vault/status.h"

namespace akv {

struct BundleHeader {
  std::array<std::uint8_t, kBundleIdBytes> bundle_id{};
  std::int64_t created = 0;  // Unix seconds, 0..kBundleMaxTime, <= expires
  std::int64_t expires = 0;
  BundleMode mode = BundleMode::kPassword;
  // Password section: modes 1 and 3 only.
  std::uint8_t kdf_alg = kKdfAlgArgon2id13;
  KdfParams kdf;
  std::array<std::uint8_t, kKdfSaltBytes> salt{};
  // The wrapped file key: mode 1 only (mode 3 seals it inside each stanza).
  std::array<std::uint8_t, kAeadNonceBytes> wrap_nonce{};
  std::array<std::uint8_t, kBundleWrapBytes> wrap{};
  // Modes 2 and 3: 1..32 sealed boxes of StanzaBytesFor(mode) bytes, no two
  // with the same ephemeral public key (their first 32 bytes).
  std::vector<Bytes> stanzas;
};

struct ParsedBundle {
  BundleHeader header;
  // The header bytes the MAC covers. ParseBundle slices them from the input;
  // they always equal SerializeHeader(header).
  Bytes header_bytes_without_mac;
  Mac header_mac{};
  Bytes payload_nonce;       // 24 bytes
  Bytes payload_ciphertext;  // ciphertext || 16-byte tag
};

// kFormat on anything but one well-formed bundle (see the guarantees above).
Result<ParsedBundle> ParseBundle(ByteView raw);

// The header bytes from the magic up to (not including) the MAC.
Bytes SerializeHeader(const BundleHeader& header);
// The associated data of the password wrap: the header from the magic
// through the salt (binds id, times, mode and KDF parameters).
Bytes WrapAssociatedData(const BundleHeader& header);
// The whole bundle, from `header` (not from header_bytes_without_mac).
Bytes SerializeBundle(const ParsedBundle& bundle);

}  // namespace akv
