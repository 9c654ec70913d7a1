// X25519 identities for recipient-mode bundles (`akvault keygen`).
//
// Public key (a "recipient"), safe to paste anywhere:
//   "akvpub1" + lowercase Crockford base32 of pk(32) || check(4)
//   check = first 4 bytes of BLAKE2b-256("akvault/recipient" || pk)
// Identity file (private, written 0600 by the CLI):
//   # akvault identity, created 2026-05-01T12:00:00Z
//   # public key: akvpub1...
//   AKVAULT-IDENTITY-1 + UPPERCASE base32 of sk(32) || check(4)
//   check = first 4 bytes of BLAKE2b-256("akvault/identity" || sk)
//
// Parsing is strict: one spelling per key, checksums verified, and a
// recipient string is only ever decoded, never used as a path or command
// (A13). The secret key is encoded and decoded in secure memory only.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "vault/crypto/box.h"
#include "vault/crypto/secret.h"
#include "vault/status.h"

namespace akv {

inline constexpr std::string_view kRecipientPrefix = "akvpub1";
inline constexpr std::string_view kIdentityPrefix = "AKVAULT-IDENTITY-1";
inline constexpr std::size_t kKeyChecksumBytes = 4;
// base32 of 36 bytes.
inline constexpr std::size_t kKeyBase32Chars = 58;

std::string EncodeRecipient(const BoxPublicKey& public_key);
// kUsage naming the problem (prefix, length, characters, checksum, or a
// low-order point that no honest key pair has).
Result<BoxPublicKey> ParseRecipient(std::string_view text);

// The identity file's text, in secure memory.
SecretBuffer EncodeIdentityFile(const BoxKeyPair& pair, std::int64_t created_unix);
// Accepts '#' comment lines and blank lines (LF or CRLF) around exactly one
// identity line. Anything else, or a checksum mismatch, is kNoMatch
// "identity file is malformed" (A15: distinct from a wrong password). The
// public key is recomputed from the secret key.
Result<BoxKeyPair> ParseIdentityFile(const SecretBuffer& content);

}  // namespace akv
