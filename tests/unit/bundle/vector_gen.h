// Shared by the two files of bundle_vector_gen: fixed seeds, field
// offsets (docs/bundle-format.md) and helpers that write one vector file.
#pragma once

#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "tests/unit/bundle/bundle_test_util.h"
#include "vault/bundle/armor.h"
#include "vault/bundle/identity.h"
#include "vault/crypto/random.h"
#include "vault/encoding/encoding.h"

namespace akv::testing {

constexpr std::uint8_t kBundleSeed = 0x01;
constexpr std::uint8_t kOtherBundleSeed = 0x02;
constexpr std::uint8_t kPasswordSeed = 0x50;
constexpr std::uint8_t kOtherPasswordSeed = 0x51;
constexpr std::uint8_t kIdentitySeed = 0x1D;
constexpr std::uint8_t kOtherIdentitySeed = 0x2E;

// Offsets (docs/bundle-format.md): common header, then per mode.
constexpr std::size_t kCreatedAt = 34, kExpiresAt = 42, kModeAt = 50;
constexpr std::size_t kPwOps = 52, kPwMem = 56, kPwAlg = 51, kPwMac = 152, kPwNonce = 184;
constexpr std::size_t kRcCount = 51, kRcStanza = 52, kRcMac = 132, kRcLength = 188;

using Fields = std::vector<std::pair<std::string, std::string>>;

inline std::string g_dir;
inline int g_written = 0;

inline void Write(const std::string& name, Fields fields, ByteView body) {
  std::ofstream out(g_dir + "/" + name, std::ios::binary);
  out << FormatVectorFile(fields, body);
  ++g_written;
}

inline void PutU64(Bytes& b, std::size_t at, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) b[at + i] = static_cast<std::uint8_t>(v >> (56 - 8 * i));
}
inline void PutU32(Bytes& b, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
}
inline Bytes Armored(ByteView b) {
  const std::string t = ArmorBundle(b);
  return Bytes(t.begin(), t.end());
}
inline std::string IdentityLine(std::uint8_t seed) {
  SecretBuffer file = EncodeIdentityFile(SeededIdentity(seed), kCreated);
  std::string text(file.view());
  text.pop_back();
  return text.substr(text.find_last_of('\n') + 1);
}
inline std::string Text(const SecretBuffer& s) { return std::string(s.view()); }
inline std::string Num(std::int64_t n) { return std::to_string(n); }

inline Bytes MustSeal(const BundlePayload& payload, const SealOptions& o, std::uint8_t seed) {
  SeededRng rng(seed);
  Result<SealedBundle> sealed = SealBundle(payload, o, rng);
  if (!sealed.ok()) throw std::runtime_error(sealed.status().ToString());
  return sealed->bytes;
}
inline Bytes MustSealRaw(std::string_view plaintext, const SealOptions& o) {
  SeededRng rng(kBundleSeed);
  Result<SealedBundle> sealed = SealArbitraryPayloadForTesting(SecretBuffer::CopyOf(plaintext), o, rng);
  if (!sealed.ok()) throw std::runtime_error(sealed.status().ToString());
  return sealed->bytes;
}

// The recipient-mode vectors and every structural, payload and armor
// failure (vector_gen_recipient.cc).
void RecipientVectors();

}  // namespace akv::testing
