#include "vault/key_record.h"

#include <array>

namespace akv {
namespace {

constexpr bool IsAlnum(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

constexpr std::array<bool, 256> kAlnumTable = [] {
  std::array<bool, 256> table{};
  for (int c = 0; c < 256; ++c) table[static_cast<std::size_t>(c)] = IsAlnum(static_cast<char>(c));
  return table;
}();

constexpr std::size_t kMaxIdLength = 128;
constexpr std::size_t kMaxNameLength = 128;

}  // namespace

bool IsAlphanumeric(std::string_view text) {
  // No early exit: a table lookup per byte, and a loop the compiler can
  // unroll. An import validates 100,000 IDs and secrets with it.
  bool all = true;
  for (char c : text) all &= kAlnumTable[static_cast<unsigned char>(c)];
  return all;
}

std::string_view KeyStatusName(KeyStatus status) {
  switch (status) {
    case KeyStatus::kActive:
      return "active";
    case KeyStatus::kSuperseded:
      return "superseded";
    case KeyStatus::kRetired:
      return "retired";
  }
  return "active";
}

std::optional<KeyStatus> ParseKeyStatus(std::string_view name) {
  if (name == "active") return KeyStatus::kActive;
  if (name == "superseded") return KeyStatus::kSuperseded;
  if (name == "retired") return KeyStatus::kRetired;
  return std::nullopt;
}

Status ValidateAccessKeyId(std::string_view akid) {
  if (akid.empty()) return Status::Usage("AccessKey ID is empty", "give the ID shown in the console, e.g. LTAI5t...");
  if (akid.size() > kMaxIdLength) {
    return Status::Usage("AccessKey ID is longer than " + std::to_string(kMaxIdLength) + " characters");
  }
  if (!IsAlphanumeric(akid)) {
    return Status::Usage("AccessKey ID contains a character outside A-Z, a-z, 0-9",
                         "copy the ID exactly as the console shows it");
  }
  return Status::Ok();
}

Status ValidateName(std::string_view field, std::string_view value) {
  // Owner and app names end up in credentials-file section names, JSON and
  // shell-sourced env files; a small alphabet keeps every format injection-free.
  if (value.empty()) return Status::Usage(std::string(field) + " is empty");
  if (value.size() > kMaxNameLength) {
    return Status::Usage(std::string(field) + " is longer than " + std::to_string(kMaxNameLength) + " characters");
  }
  for (char c : value) {
    if (!(IsAlnum(c) || c == '-' || c == '_' || c == '.' || c == '@')) {
      return Status::Usage(std::string(field) + " '" + std::string(value) +
                               "' contains a character other than letters, digits, - _ . @",
                           "use a plain name such as alice or billing-api");
    }
  }
  return Status::Ok();
}

Status ValidateSecret(std::string_view secret) {
  if (secret.empty()) return Status::Input("AccessKey Secret is empty", "paste the secret on standard input or at the prompt");
  if (secret.size() > 256) return Status::Input("AccessKey Secret is longer than 256 characters");
  if (!IsAlphanumeric(secret)) {
    return Status::Input("AccessKey Secret contains a character outside A-Z, a-z, 0-9",
                         "paste the secret exactly as the console shows it, with nothing else on the line");
  }
  return Status::Ok();
}

std::string UnusualLengthWarning(std::string_view akid, std::size_t secret_length) {
  std::string warning;
  if (!(akid.size() == 24 && akid.substr(0, 4) == "LTAI")) {
    warning += "AccessKey ID " + std::string(akid) + " is not the usual LTAI + 20 characters";
  }
  if (secret_length != 30) {
    if (!warning.empty()) warning += "; ";
    warning += "the secret has " + std::to_string(secret_length) + " characters, not the usual 30";
  }
  return warning;
}

}  // namespace akv
