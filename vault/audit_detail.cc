#include "vault/audit_detail.h"

#include "vault/encoding/json_dump.h"

namespace akv {
namespace {

Status Bad(const AuditEntry& entry, const std::string& what) {
  return Status::Tampered("audit trail: entry " + std::to_string(entry.seq) + " has a malformed detail (" + what + ")",
                          "run `akvault check` with the passphrase to see what was changed");
}

}  // namespace

Result<nlohmann::json> ParseAuditDetail(const AuditEntry& entry) {
  std::optional<nlohmann::json> detail = ParseJsonBounded(entry.detail, kMaxAuditDetailDepth);
  if (!detail) return Bad(entry, "not JSON, or nested too deep");
  if (!detail->is_object()) return Bad(entry, "not a JSON object");
  return std::move(*detail);
}

Result<std::optional<std::string>> DetailString(const AuditEntry& entry, const nlohmann::json& detail,
                                                const char* name) {
  auto it = detail.find(name);
  if (it == detail.end()) return std::optional<std::string>();
  if (!it->is_string()) return Bad(entry, std::string(name) + " is not a string");
  return std::optional<std::string>(it->get<std::string>());
}

Result<std::optional<std::int64_t>> DetailInt(const AuditEntry& entry, const nlohmann::json& detail, const char* name) {
  auto it = detail.find(name);
  if (it == detail.end()) return std::optional<std::int64_t>();
  if (!it->is_number_integer()) return Bad(entry, std::string(name) + " is not an integer");
  return std::optional<std::int64_t>(it->get<std::int64_t>());
}

}  // namespace akv
