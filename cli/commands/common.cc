#include "cli/commands/common.h"

#include <algorithm>
#include <charconv>
#include <ctime>

#include "vault/vault.h"

namespace akv::cli {

std::string FormatUtc(std::int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

nlohmann::json KeyJson(const KeyMetadata& m) {
  auto opt_text = [](const std::optional<std::string>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
  auto opt_date = [](const std::optional<Date>& d) { return d ? nlohmann::json(d->ToString()) : nlohmann::json(nullptr); };
  return nlohmann::json{{"akid", m.akid},
                        {"owner", m.owner},
                        {"app", opt_text(m.app)},
                        {"status", std::string(KeyStatusName(m.status))},
                        {"created", m.created.ToString()},
                        {"rotate_days", m.rotate_days},
                        {"deadline", m.deadline().ToString()},
                        {"due", opt_date(m.due_date)},
                        {"status_since", opt_date(m.status_since)},
                        {"predecessor", opt_text(m.predecessor)},
                        {"successor", opt_text(m.successor)},
                        {"main_account", m.main_account}};
}

Status CheckOwnerAndApp(const std::string& owner, const std::optional<std::string>& app) {
  AKV_RETURN_IF_ERROR(ValidateName("--owner", owner));
  if (app) AKV_RETURN_IF_ERROR(ValidateName("--app", *app));
  return Status::Ok();
}

Result<int> DefaultRotateDays(Vault& vault) {
  std::optional<std::string> value;
  if (vault.unlocked()) {
    AKV_ASSIGN_OR_RETURN(value, vault.VerifiedConfig("rotate-days"));
  } else {
    AKV_ASSIGN_OR_RETURN(value, vault.ConfigValue("rotate-days"));
  }
  if (!value) return kDefaultRotateDays;
  int days = 0;
  auto [end, ec] = std::from_chars(value->data(), value->data() + value->size(), days);
  if (ec != std::errc() || end != value->data() + value->size() || days < 1 || days > kMaxRotateDays) {
    return Status::Tampered("vault setting rotate-days has an invalid value", "run `akvault check`");
  }
  return days;
}

std::string PadRight(const std::string& text, std::size_t width) {
  return text + std::string(text.size() + 1 < width ? width - text.size() : 1, ' ');
}

void TextTable::Print(std::ostream& out) const {
  std::vector<std::size_t> width;
  for (const auto& row : rows_) {
    if (width.size() < row.size()) width.resize(row.size(), 0);
    for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  for (const auto& row : rows_) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(width[i] - row[i].size() + 2, ' ');
    }
    out << line << '\n';
  }
}

void JsonArrayWriter::Write(const nlohmann::json& value) {
  out_ << (first_ ? "\n  " : ",\n  ") << value.dump();
  first_ = false;
}

void JsonArrayWriter::Close() {
  if (closed_) return;
  closed_ = true;
  out_ << (first_ ? "]\n" : "\n]\n");
}

}  // namespace akv::cli
