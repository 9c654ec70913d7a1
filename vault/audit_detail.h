// The detail of an audit entry, read as untrusted input: the audit table
// sits in a file an attacker may have written, and `log` reads it without
// the passphrase (so without checking the chain; `check` does that).
//
// A detail akvault writes is a JSON object of strings, integers, booleans,
// nulls and arrays of strings, nested at most a few levels. Anything else
// (not JSON, not an object, nested deeper than kMaxAuditDetailDepth, a field
// of the wrong type) is kTampered naming the entry, never an exception.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "vault/audit.h"
#include "vault/status.h"

namespace akv {

inline constexpr int kMaxAuditDetailDepth = 4;

Result<nlohmann::json> ParseAuditDetail(const AuditEntry& entry);

// The string field `name` of a parsed detail: nullopt when absent,
// kTampered when present with another type.
Result<std::optional<std::string>> DetailString(const AuditEntry& entry, const nlohmann::json& detail,
                                                const char* name);
// The same for an integer field.
Result<std::optional<std::int64_t>> DetailInt(const AuditEntry& entry, const nlohmann::json& detail, const char* name);

}  // namespace akv
