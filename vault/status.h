// Status and Result<T>: how every fallible library call reports failure.
//
// Errors a user can cause (a wrong passphrase, a tampered file, a loose
// permission) are values, never exceptions. Each carries a closed error code,
// a one-line message naming what is wrong, and a hint saying how to fix it.
// Messages are built from names, paths and key IDs only, never from secrets.
//
// The table in status.cc maps each code to its process exit status; `--help`
// and docs/exit-codes.md are checked against that one table by a test.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <utility>
#include <variant>

namespace akv {

enum class Code {
  kOk,
  kInternal,    // a bug or an unexpected system failure
  kUsage,       // bad command line: unknown option, invalid date or number
  kAuth,        // wrong passphrase or password (or a typo in it)
  kTampered,    // authenticated data failed to verify
  kPermission,  // a file or folder is readable or writable by others, or not ours
  kNotFound,    // a key, file or vault that does not exist
  kExpired,     // a bundle past its expiry
  kFormat,      // junk, truncated, damaged or unsupported input
  kConflict,    // already exists, duplicate, or lost a race
  kNoMatch,     // no recipient stanza matches the identity given
  kIo,          // the disk failed: ENOSPC, EIO, read-only filesystem
  kInput,       // refused secret input: empty, bad characters, no terminal
  kDue,         // `due`: at least one key is listed
  kPolicy,      // `lint`: a finding at or above --fail-on
  kNoSession,   // `unlock`: this login session cannot hold an unlock safely
};

struct CodeInfo {
  Code code;
  int exit_status;
  const char* name;     // symbolic, as in docs: "E_AUTH"
  const char* meaning;  // one line for --help and docs/exit-codes.md
};

// Every code, in exit-status order. The single source of truth.
std::span<const CodeInfo> AllCodes();
const CodeInfo& InfoFor(Code code);
int ExitStatusFor(Code code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // ok
  static Status Ok() { return Status(); }
  static Status Internal(std::string msg, std::string hint = "") { return {Code::kInternal, std::move(msg), std::move(hint)}; }
  static Status Usage(std::string msg, std::string hint = "") { return {Code::kUsage, std::move(msg), std::move(hint)}; }
  static Status Auth(std::string msg, std::string hint = "") { return {Code::kAuth, std::move(msg), std::move(hint)}; }
  static Status Tampered(std::string msg, std::string hint = "") { return {Code::kTampered, std::move(msg), std::move(hint)}; }
  static Status Permission(std::string msg, std::string hint = "") { return {Code::kPermission, std::move(msg), std::move(hint)}; }
  static Status NotFound(std::string msg, std::string hint = "") { return {Code::kNotFound, std::move(msg), std::move(hint)}; }
  static Status Expired(std::string msg, std::string hint = "") { return {Code::kExpired, std::move(msg), std::move(hint)}; }
  static Status Format(std::string msg, std::string hint = "") { return {Code::kFormat, std::move(msg), std::move(hint)}; }
  static Status Conflict(std::string msg, std::string hint = "") { return {Code::kConflict, std::move(msg), std::move(hint)}; }
  static Status NoMatch(std::string msg, std::string hint = "") { return {Code::kNoMatch, std::move(msg), std::move(hint)}; }
  static Status Io(std::string msg, std::string hint = "") { return {Code::kIo, std::move(msg), std::move(hint)}; }
  static Status Input(std::string msg, std::string hint = "") { return {Code::kInput, std::move(msg), std::move(hint)}; }
  static Status Due(std::string msg, std::string hint = "") { return {Code::kDue, std::move(msg), std::move(hint)}; }
  static Status Policy(std::string msg, std::string hint = "") { return {Code::kPolicy, std::move(msg), std::move(hint)}; }
  static Status NoSession(std::string msg, std::string hint = "") { return {Code::kNoSession, std::move(msg), std::move(hint)}; }
  // errno-based I/O failure: "<what> <path>: <strerror>".
  static Status FromErrno(int err, const std::string& what, const std::string& path);

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::string& hint() const { return hint_; }
  // "message" or "message (hint: ...)" for logs and test failure output.
  std::string ToString() const;

  // Returns a copy with the message prefixed: "opening bundle: <msg>".
  Status WithContext(const std::string& context) const;
  // Returns a copy with another hint, for a caller that knows better than
  // the layer below what the user should do.
  Status WithHint(std::string hint) const;

 private:
  Status(Code code, std::string message, std::string hint)
      : code_(code), message_(std::move(message)), hint_(std::move(hint)) {}
  Code code_ = Code::kOk;
  std::string message_;
  std::string hint_;
};

// A value or a failed Status. Never holds an ok Status without a value.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}  // NOLINT
  bool ok() const { return value_.has_value(); }
  // Ok when a value is held, else the failure.
  Status status() const { return ok() ? Status::Ok() : status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }

 private:
  std::optional<T> value_;
  Status status_ = Status::Internal("result holds no value");
};

}  // namespace akv

#define AKV_CONCAT_INNER(a, b) a##b
#define AKV_CONCAT(a, b) AKV_CONCAT_INNER(a, b)

// Propagates a failed Status out of the calling function.
#define AKV_RETURN_IF_ERROR(expr) AKV_RETURN_IF_ERROR_IMPL(AKV_CONCAT(akv_status_, __COUNTER__), expr)
#define AKV_RETURN_IF_ERROR_IMPL(name, expr) \
  do {                                       \
    ::akv::Status name = (expr);             \
    if (!name.ok()) return name;             \
  } while (0)

// Declares `lhs` from a Result<T>, or returns its Status on failure.
#define AKV_ASSIGN_OR_RETURN(lhs, expr) \
  AKV_ASSIGN_OR_RETURN_IMPL(AKV_CONCAT(akv_result_, __COUNTER__), lhs, expr)
#define AKV_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return tmp.status();             \
  lhs = std::move(tmp).value()
