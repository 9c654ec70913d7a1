// What the vault knows about one AccessKey, and the rules its identity
// follows (one owner, at most one application, an ID and secret made of
// [A-Za-z0-9]).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "vault/bytes.h"
#include "vault/rotation/date.h"
#include "vault/status.h"

namespace akv {

enum class KeyStatus { kActive, kSuperseded, kRetired };
std::string_view KeyStatusName(KeyStatus status);
std::optional<KeyStatus> ParseKeyStatus(std::string_view name);

inline constexpr int kDefaultRotateDays = 90;
inline constexpr int kDefaultGraceDays = 7;
inline constexpr int kMaxRotateDays = 3650;

// Everything about a key except its secret and note. Stored in clear (so
// `list` and `due` need no passphrase) and bound into the AEAD of the secret
// as associated data (so any edit is found by `check` and `show --reveal`).
struct KeyMetadata {
  std::string akid;
  std::string owner;
  std::optional<std::string> app;  // none: a personal key
  KeyStatus status = KeyStatus::kActive;
  Date created;
  int rotate_days = kDefaultRotateDays;
  // Active: created + rotate_days. Superseded: the end of the grace period,
  // after which it must be disabled in the console. Retired: none.
  std::optional<Date> due_date;
  std::optional<Date> status_since;  // day it was superseded or retired
  std::optional<std::string> predecessor;
  std::optional<std::string> successor;
  bool main_account = false;

  Date deadline() const { return created.AddDays(rotate_days); }
};

// A key as stored: metadata plus the row identity that the AAD binds.
struct StoredKey {
  KeyMetadata meta;
  Bytes uuid;             // 16 bytes
  std::int64_t version = 1;
  Bytes nonce;            // 24 bytes
  Bytes sealed;           // ciphertext + tag of the secret and note
};

// True when every byte of `text` is in [A-Za-z0-9] (the alphabet of
// AccessKey IDs and secrets); true for an empty text.
bool IsAlphanumeric(std::string_view text);

// The limits on names and IDs. Refusals are kUsage (they come from argv) and
// name the field; unusual lengths are not refused, only reported by
// UnusualLengthWarning.
Status ValidateAccessKeyId(std::string_view akid);
Status ValidateName(std::string_view field, std::string_view value);
// kInput: empty, or characters outside [A-Za-z0-9] (never echoes the secret).
Status ValidateSecret(std::string_view secret);
// Console AccessKey IDs are "LTAI" + 20 characters and secrets 30; anything
// else gets a warning line (empty when usual).
std::string UnusualLengthWarning(std::string_view akid, std::size_t secret_length);

}  // namespace akv
