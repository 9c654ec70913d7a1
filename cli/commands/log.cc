// akvault log [--key AKID]
// Prints the audit trail (no passphrase; `check` verifies the chain).
#include <CLI/CLI.hpp>
#include <memory>

#include "cli/commands/commands.h"
#include "cli/commands/common.h"
#include "vault/audit_detail.h"
#include "vault/encoding/display_text.h"
#include "vault/encoding/json_dump.h"

namespace akv::cli {
namespace {

// One readable line of an entry's JSON detail. Every piece of it came from
// the vault file, so the whole line goes through DisplayText: one entry is
// one line, with no control character reaching the terminal (H2-5).
Result<std::string> Summary(const AuditEntry& e, const nlohmann::json& detail) {
  if (e.event == "import" && detail.contains("count")) {
    AKV_ASSIGN_OR_RETURN(std::optional<std::int64_t> count, DetailInt(e, detail, "count"));
    AKV_ASSIGN_OR_RETURN(std::optional<std::string> source, DetailString(e, detail, "source"));
    AKV_ASSIGN_OR_RETURN(std::optional<std::string> owner, DetailString(e, detail, "owner"));
    return DisplayText(std::to_string(*count) + " keys from " + source.value_or("?") + " (owner " +
                       owner.value_or("?") + ")");
  }
  std::string out;
  for (auto it = detail.begin(); it != detail.end(); ++it) {
    if (!out.empty()) out += ' ';
    out += it.key() + "=" + (it.value().is_string() ? it.value().get<std::string>() : DumpJson(it.value()));
  }
  return DisplayText(out);
}

Status RunLog(Context& ctx, const std::string& akid) {
  AKV_ASSIGN_OR_RETURN(auto vault, ctx.OpenVault(Vault::Access::kReadOnly));
  auto matches = [&](const AuditEntry& e) {
    if (akid.empty()) return true;
    if (e.akid == akid) return true;
    return e.detail.find("\"" + akid + "\"") != std::string::npos;  // listed in an import, export or rotate
  };
  if (ctx.globals.json) {
    JsonArrayWriter writer(ctx.io.out());
    return vault->ForEachAuditEntry([&](const AuditEntry& e) {
      if (!matches(e)) return Status::Ok();
      AKV_ASSIGN_OR_RETURN(nlohmann::json detail, ParseAuditDetail(e));
      writer.Write({{"seq", e.seq},
                    {"at", FormatUtc(e.at)},
                    {"event", e.event},
                    {"akid", e.akid ? nlohmann::json(*e.akid) : nlohmann::json(nullptr)},
                    {"detail", std::move(detail)}});
      return Status::Ok();
    });
  }
  return vault->ForEachAuditEntry([&](const AuditEntry& e) {
    if (!matches(e)) return Status::Ok();
    AKV_ASSIGN_OR_RETURN(nlohmann::json detail, ParseAuditDetail(e));
    AKV_ASSIGN_OR_RETURN(std::string summary, Summary(e, detail));
    ctx.io.out() << PadRight(std::to_string(e.seq), 6) << FormatUtc(e.at) << "  " << PadRight(e.event, 8)
                 << PadRight(e.akid.value_or("-"), 26) << summary << '\n';
    return ctx.io.out() ? Status::Ok() : Status::Io("cannot write to standard output");
  });
}

}  // namespace

void AddLogCommand(CLI::App& root, CommandTable& table) {
  auto akid = std::make_shared<std::string>();
  CLI::App* cmd = root.add_subcommand("log", "the audit trail: every add, import, reveal, export, rotate, remove");
  cmd->add_option("--key", *akid, "only entries about this AccessKey ID");
  table.push_back({cmd, [akid](Context& ctx) { return RunLog(ctx, *akid); }});
}

}  // namespace akv::cli
