#include "cli/commands/common.h"

#include <ctime>

#include "vault/encoding/display_text.h"
#include "vault/encoding/json_dump.h"
#include "vault/fs/secure_file.h"
#include "vault/rotation/policy.h"
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

Result<int> ConfigDays(Vault& vault, const std::string& name) {
  std::optional<std::string> value;
  if (vault.unlocked()) {
    AKV_ASSIGN_OR_RETURN(value, vault.VerifiedConfig(name));
  } else {
    AKV_ASSIGN_OR_RETURN(value, vault.ConfigValue(name));
  }
  if (!value) return kDefaultRotateDays;
  auto days = ParseDayCount(*value, name, 1, kMaxRotateDays);
  if (!days.ok()) return Status::Tampered("vault setting " + name + " has an invalid value", "run `akvault check`");
  return days;
}

CLI::Validator NotEmpty() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        return value.empty() ? "the value is empty; give a value or leave the option out" : std::string();
      },
      "NOT_EMPTY");
}

Result<KeyDates> ParseKeyDates(const std::string& created, const std::string& rotate_days, Date today) {
  KeyDates dates{today, std::nullopt};
  if (!created.empty()) {
    AKV_ASSIGN_OR_RETURN(dates.created, ParseCreatedDate(created, today));
  }
  if (!rotate_days.empty()) {
    AKV_ASSIGN_OR_RETURN(dates.rotate_days, ParseDayCount(rotate_days, "--rotate-days", 1, kMaxRotateDays));
  }
  return dates;
}

void WarnIfCrowded(Context& ctx, Vault& vault, const std::string& owner, const std::optional<std::string>& app) {
  KeyFilter filter;
  filter.owner = owner;
  filter.app = app;
  std::vector<std::string> ids;
  const Status walked = vault.ForEachKeyMetadata(filter, [&](const KeyMetadata& meta) {
    // The filter's app matches any app when unset: personal keys have none.
    if (meta.app == app && meta.status != KeyStatus::kRetired) ids.push_back(meta.akid);
    return Status::Ok();
  });
  if (!walked.ok() || ids.size() <= 2) return;
  std::string list;
  for (std::size_t i = 0; i < ids.size() && i < 4; ++i) list += (list.empty() ? "" : ", ") + ids[i];
  if (ids.size() > 4) list += ", …";
  ctx.Warn("owner " + owner + (app ? ", app " + *app : std::string(" (personal keys)")) + " now has " +
           std::to_string(ids.size()) + " unretired keys (" + list +
           "): the cloud allows two per RAM user; rotate or `akvault retire` the old ones (`akvault lint` reports it)");
}

Status CheckNotVaultFile(Context& ctx, const std::string& path, const std::string& what) {
  const std::string vault = ctx.VaultPath();
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    if (SamePath(path, vault + suffix)) {
      return Status::Usage(what + " " + path + " is the vault's own file", "choose another path for the output");
    }
  }
  return Status::Ok();
}

Result<VaultAndKey> UnlockVaultForKey(Context& ctx, const std::string& akid) {
  AKV_RETURN_IF_ERROR(ValidateAccessKeyId(akid));
  AKV_ASSIGN_OR_RETURN(auto vault, ctx.OpenVault(Vault::Access::kReadWrite));
  AKV_ASSIGN_OR_RETURN(auto found, vault->FindKey(akid));
  if (!found) return Status::NotFound("no AccessKey " + akid + " in the vault", "see `akvault list --all`");
  AKV_RETURN_IF_ERROR(ctx.UnlockVault(*vault));
  return VaultAndKey{std::move(vault), std::move(*found)};
}

std::string PadRight(const std::string& text, std::size_t width) {
  if (!IsDisplaySafe(text)) return PadRight(DisplayText(text), width);
  return text + std::string(text.size() + 1 < width ? width - text.size() : 1, ' ');
}

void JsonArrayWriter::Write(const nlohmann::json& value) {
  out_ << (first_ ? "\n  " : ",\n  ") << DumpJson(value);
  first_ = false;
}

void JsonArrayWriter::Close() {
  if (closed_) return;
  closed_ = true;
  out_ << (first_ ? "]\n" : "\n]\n");
}

}  // namespace akv::cli
