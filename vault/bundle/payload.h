// The bundle's plaintext: the keys it carries, as one canonical JSON text.
//
//   {"v":1,"keys":[{"akid":"LTAI...","secret":"...","owner":"alice","app":"billing"|null,
//                   "created":"2026-05-01","rotate_days":90,"deadline":"2026-07-30"},...]}
//
// (one line, no spaces). Every string is validated to a small alphabet
// before it is written, so no escaping is ever needed; the text is written
// directly into secure memory and never touches nlohmann::json or a
// std::string. DecodePayload accepts exactly that form and nothing else:
// extra, missing or reordered fields, escapes, whitespace, duplicate AccessKey
// IDs, zero keys, out-of-alphabet characters are all kFormat (A16, A17). So
// a sender who knows the password still cannot smuggle a newline, '=' or ']'
// into a credentials file.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "vault/crypto/secret.h"
#include "vault/status.h"

namespace akv {

struct BundleKey {
  std::string akid;
  SecretBuffer secret;
  std::string owner;
  std::optional<std::string> app;
  std::string created;   // YYYY-MM-DD
  int rotate_days = 90;  // 1..kMaxRotateDays
  std::string deadline;  // YYYY-MM-DD
};

struct BundlePayload {
  std::vector<BundleKey> keys;
};

// The canonical JSON. Refuses (with the validators' own codes: kUsage for
// IDs, names, dates and counts, kInput for a secret) an empty list, more than
// kBundleMaxKeys keys, a repeated AccessKey ID or any invalid field.
Result<SecretBuffer> EncodePayload(const BundlePayload& payload);
// The inverse; kFormat naming the field on anything but the canonical form.
// Never quotes any part of the input in its message.
Result<BundlePayload> DecodePayload(const SecretBuffer& json);

}  // namespace akv
