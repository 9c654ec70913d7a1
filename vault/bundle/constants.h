// Every fixed number of the bundle format, in one place. The byte-by-byte
// layout, the key schedule and the order of checks are in
// docs/bundle-format.md; change neither without the other (and the test
// vectors in tests/vectors/bundle/, which pin the bytes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace akv {

// The first line of every binary bundle. Anything that does not start with
// kBundleMagicPrefix is "not an akvault bundle"; a prefix followed by another
// version token is "unsupported bundle version".
inline constexpr std::string_view kBundleMagic = "akvault-bundle/v1\n";
inline constexpr std::string_view kBundleMagicPrefix = "akvault-bundle/";

// Whole binary bundle, checked before anything else is read (A10).
inline constexpr std::size_t kBundleMaxBytes = 1u << 20;

inline constexpr std::size_t kBundleIdBytes = 16;
inline constexpr std::size_t kBundleFileKeyBytes = 32;
// XChaCha20-Poly1305 of the 32-byte file key: 32 + 16-byte tag.
inline constexpr std::size_t kBundleWrapBytes = 48;
inline constexpr std::size_t kBundleMaxRecipients = 32;
// crypto_box_seal of the file key (32 + 48) and, in the layered mode, of
// wrap_nonce || wrap (24 + 48 + 48).
inline constexpr std::size_t kRecipientStanzaBytes = 80;
inline constexpr std::size_t kLayeredStanzaBytes = 120;
inline constexpr std::size_t kBundleHeaderMacBytes = 32;
inline constexpr std::size_t kBundleMinCiphertextBytes = 16;  // the AEAD tag alone

// Times are Unix seconds, at most 9999-12-31T23:59:59Z so every one of them
// prints as an ISO date.
inline constexpr std::int64_t kBundleMaxTime = 253402300799;
// How far in the future a bundle's `created` may lie before `open` calls the
// clocks wrong (documented in docs/bundle-format.md, "Order of checks").
inline constexpr std::int64_t kBundleClockSkewSeconds = 300;

// crypto_kdf context and subkey ids under the file key.
inline constexpr std::string_view kBundleSubkeyContext = "AKVBNDL1";
inline constexpr std::uint64_t kBundleHeaderMacSubkeyId = 1;
inline constexpr std::uint64_t kBundlePayloadSubkeyId = 2;

// The mode byte: which secrets open the bundle.
enum class BundleMode : std::uint8_t {
  kPassword = 1,               // a generated password only
  kRecipients = 2,             // any one of the listed X25519 identities
  kRecipientsAndPassword = 3,  // one identity AND the password (layered)
};
inline constexpr bool ModeUsesPassword(BundleMode mode) {
  return mode == BundleMode::kPassword || mode == BundleMode::kRecipientsAndPassword;
}
inline constexpr bool ModeUsesRecipients(BundleMode mode) {
  return mode == BundleMode::kRecipients || mode == BundleMode::kRecipientsAndPassword;
}
inline constexpr std::size_t StanzaBytesFor(BundleMode mode) {
  return mode == BundleMode::kRecipientsAndPassword ? kLayeredStanzaBytes : kRecipientStanzaBytes;
}

// Armor (docs/bundle-format.md, "Armor").
inline constexpr std::string_view kArmorBegin = "-----BEGIN AKVAULT BUNDLE-----";
inline constexpr std::string_view kArmorEnd = "-----END AKVAULT BUNDLE-----";
inline constexpr std::size_t kArmorLineChars = 64;
// A 1 MiB bundle armors to about 1.42 MB (1.45 MB with CRLF).
inline constexpr std::size_t kArmoredMaxBytes = 2u << 20;

// Payload limits.
inline constexpr std::size_t kBundleMaxKeys = 1000;

}  // namespace akv
