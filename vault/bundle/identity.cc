#include "vault/bundle/identity.h"

#include <algorithm>
#include <array>

#include "vault/bundle/secret_text.h"
#include "vault/bundle/utc_text.h"
#include "vault/crypto/box_check.h"
#include "vault/crypto/mac.h"
#include "vault/encoding/encoding.h"

namespace akv {
namespace {

constexpr std::string_view kRecipientDomain = "akvault/recipient";
constexpr std::string_view kIdentityDomain = "akvault/identity";

std::array<std::uint8_t, kKeyChecksumBytes> Checksum(std::string_view domain, ByteView key) {
  Mac digest = Hash({AsBytes(domain), key});
  std::array<std::uint8_t, kKeyChecksumBytes> out{};
  std::copy_n(digest.begin(), out.size(), out.begin());
  Wipe(digest);
  return out;
}

Status BadRecipient(const std::string& what) {
  return Status::Usage("recipient is not a valid akvault public key: " + what,
                       "paste the whole akvpub1... line that `akvault keygen` printed on the receiving machine");
}

Status Malformed(const std::string& what) {
  return Status::NoMatch("identity file is malformed (" + what + ")",
                         "give the file that `akvault keygen --out` wrote, unchanged");
}

// Strict uppercase Crockford base32 of exactly 36 bytes into secure memory:
// only canonical symbols, zero padding bits (the inverse of Base32Encode).
Result<SecretBuffer> DecodeSecretBase32(std::string_view text) {
  if (text.size() != kKeyBase32Chars) return Malformed("the key has the wrong length");
  SecretBuffer out(kBoxSecretKeyBytes + kKeyChecksumBytes);
  std::size_t n = 0;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    const std::size_t value = kCrockfordAlphabet.find(c);
    if (value == std::string_view::npos) return Malformed("the key has a character outside its alphabet");
    buffer = ((buffer << 5) | static_cast<std::uint32_t>(value)) & 0xFFFF;
    bits += 5;
    if (bits >= 8) {
      out.data()[n++] = static_cast<std::uint8_t>(buffer >> (bits - 8));
      bits -= 8;
    }
  }
  const bool clean_padding = (buffer & ((1U << bits) - 1)) == 0;
  buffer = 0;
  if (n != out.size() || !clean_padding) return Malformed("the key is not canonical");
  return out;
}

// Base32Encode, but writing into a SecretTextSink.
void EncodeSecretBase32(ByteView bytes, SecretTextSink& sink) {
  std::uint32_t buffer = 0;
  int bits = 0;
  for (std::uint8_t b : bytes) {
    buffer = ((buffer << 8) | b) & 0xFFFF;
    bits += 8;
    while (bits >= 5) {
      sink.Put(kCrockfordAlphabet[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) sink.Put(kCrockfordAlphabet[(buffer << (5 - bits)) & 31]);
  buffer = 0;
}

}  // namespace

std::string EncodeRecipient(const BoxPublicKey& public_key) {
  Bytes body(public_key.begin(), public_key.end());
  Append(body, Checksum(kRecipientDomain, public_key));
  std::string text = Base32Encode(body);
  std::transform(text.begin(), text.end(), text.begin(),
                 [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; });
  return std::string(kRecipientPrefix) + text;
}

Result<BoxPublicKey> ParseRecipient(std::string_view text) {
  if (text.substr(0, kRecipientPrefix.size()) != kRecipientPrefix)
    return BadRecipient("it does not start with akvpub1");
  const std::string_view body = text.substr(kRecipientPrefix.size());
  if (body.size() != kKeyBase32Chars) {
    return BadRecipient("it has " + std::to_string(text.size()) + " characters, expected " +
                        std::to_string(kRecipientPrefix.size() + kKeyBase32Chars));
  }
  std::optional<Bytes> decoded = Base32Decode(body, kBoxPublicKeyBytes + kKeyChecksumBytes, /*lowercase=*/true);
  if (!decoded) return BadRecipient("it has a character outside its alphabet (0-9, a-z without i l o u)");
  BoxPublicKey pk{};
  std::copy_n(decoded->begin(), pk.size(), pk.begin());
  const auto expected = Checksum(kRecipientDomain, pk);
  if (!std::equal(expected.begin(), expected.end(), decoded->begin() + kBoxPublicKeyBytes)) {
    return BadRecipient("its checksum does not match (a typo?)");
  }
  if (IsLowOrderPoint(pk)) return BadRecipient("it is a low-order point, which no real key pair has");
  return pk;
}

SecretBuffer EncodeIdentityFile(const BoxKeyPair& pair, std::int64_t created_unix) {
  SecretBuffer body(kBoxSecretKeyBytes + kKeyChecksumBytes);
  std::copy_n(pair.secret_key.data(), kBoxSecretKeyBytes, body.data());
  auto check = Checksum(kIdentityDomain, pair.secret_key.span());
  std::copy(check.begin(), check.end(), body.data() + kBoxSecretKeyBytes);
  const std::string comments = "# akvault identity, created " + FormatUtcIso(created_unix) +
                               "\n# public key: " + EncodeRecipient(pair.public_key) + "\n";
  return BuildSecretText([&](SecretTextSink& sink) {
    sink.Put(comments);
    sink.Put(kIdentityPrefix);
    EncodeSecretBase32(body.span(), sink);
    sink.Put('\n');
  });
}

Result<BoxKeyPair> ParseIdentityFile(const SecretBuffer& content) {
  std::string_view text = content.view();
  std::string_view key_line;
  bool found = false;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    if (found) return Malformed("more than one key line");
    if (line.substr(0, kIdentityPrefix.size()) != kIdentityPrefix) {
      return Malformed("a line is neither a # comment nor " + std::string(kIdentityPrefix) + "...");
    }
    key_line = line.substr(kIdentityPrefix.size());
    found = true;
  }
  if (!found) return Malformed("no " + std::string(kIdentityPrefix) + " line");
  AKV_ASSIGN_OR_RETURN(SecretBuffer body, DecodeSecretBase32(key_line));
  BoxKeyPair pair;
  pair.secret_key = SecretBuffer::CopyOf(body.span().first(kBoxSecretKeyBytes));
  auto expected = Checksum(kIdentityDomain, pair.secret_key.span());
  if (!ConstantTimeEqual(expected, body.span().subspan(kBoxSecretKeyBytes))) {
    return Malformed("its checksum does not match");
  }
  pair.public_key = PublicKeyFor(pair.secret_key);
  return pair;
}

}  // namespace akv
