#include "vault/status.h"

#include <array>
#include <cstring>

namespace akv {
namespace {

// Exit statuses are part of the CLI contract (../shared/spec/cli.md): 0 and 2
// are fixed, 1 is kept for bugs, and `due` must not use 1 or 2 so that
// `akvault due || notify` can tell "keys are due" from "akvault broke".
constexpr std::array<CodeInfo, 16> kCodes = {{
    {Code::kOk, 0, "OK", "success"},
    {Code::kInternal, 1, "E_INTERNAL", "internal error (a bug, or an unexpected system failure)"},
    {Code::kUsage, 2, "E_USAGE", "usage error: unknown option, missing argument, invalid date or number"},
    {Code::kAuth, 3, "E_AUTH", "wrong passphrase or password"},
    {Code::kTampered, 4, "E_TAMPERED", "data failed authentication: the vault or bundle was modified"},
    {Code::kPermission, 5, "E_PERM", "a file or folder is accessible to group or others, or owned by another user"},
    {Code::kNotFound, 6, "E_NOTFOUND", "no such key, file or vault"},
    {Code::kExpired, 7, "E_EXPIRED", "the bundle has expired"},
    {Code::kFormat, 8, "E_FORMAT", "not a valid vault, bundle, CSV or key file, or an unsupported version"},
    {Code::kConflict, 9, "E_CONFLICT", "already exists, duplicate AccessKey ID, or a concurrent change won"},
    {Code::kNoMatch, 10, "E_NOMATCH", "the identity matches no recipient of the bundle"},
    {Code::kIo, 11, "E_IO", "a disk or filesystem error (full, read-only, I/O error)"},
    {Code::kInput, 12, "E_INPUT", "secret input refused: empty, invalid characters, too long, or no terminal"},
    {Code::kDue, 13, "E_DUE", "`due`: at least one key is due or overdue for rotation"},
    {Code::kPolicy, 14, "E_POLICY", "`lint`: a finding at or above the --fail-on level"},
    // 15-21 belong to other commands (scan, trail, integrity, hygiene, realuser).
    {Code::kNoSession, 22, "E_NOSESSION",
     "`unlock`: this login session cannot hold an unlock safely (shared or blocked keyring, no $XDG_RUNTIME_DIR)"},
}};

}  // namespace

std::span<const CodeInfo> AllCodes() { return kCodes; }

const CodeInfo& InfoFor(Code code) {
  for (const auto& info : kCodes) {
    if (info.code == code) return info;
  }
  return kCodes[1];
}

int ExitStatusFor(Code code) { return InfoFor(code).exit_status; }

Status Status::FromErrno(int err, const std::string& what, const std::string& path) {
  std::string msg = what + " " + path + ": " + std::strerror(err);
  switch (err) {
    case ENOENT:
      return NotFound(msg);
    case EACCES:
    case EPERM:
      return Permission(msg, "check the owner and mode of " + path);
    case EEXIST:
      return Conflict(msg);
    case ELOOP:
      return Permission(msg, "refusing to follow a symbolic link; give the real path");
    default:
      return Io(msg);
  }
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  std::string out = std::string(InfoFor(code_).name) + ": " + message_;
  if (!hint_.empty()) out += " (hint: " + hint_ + ")";
  return out;
}

Status Status::WithHint(std::string hint) const {
  Status copy = *this;
  copy.hint_ = std::move(hint);
  return copy;
}

Status Status::WithContext(const std::string& context) const {
  if (ok()) return *this;
  return Status(code_, context + ": " + message_, hint_);
}

}  // namespace akv
