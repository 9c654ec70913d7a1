// akvault log [--key AKID]
// Prints the audit trail (no passphrase; `check` verifies the chain).
#include <CLI/CLI.hpp>
#include <memory>

#include "cli/commands/commands.h"
#include "cli/commands/common.h"

namespace akv::cli {
namespace {

// One readable line of an entry's JSON detail.
std::string Summary(const AuditEntry& e) {
  auto detail = nlohmann::json::parse(e.detail, nullptr, false);
  if (!detail.is_object()) return e.detail;
  if (e.event == "import" && detail.contains("count")) {
    return std::to_string(detail["count"].get<long long>()) + " keys from " + detail.value("source", std::string("?")) +
           " (owner " + detail.value("owner", std::string("?")) + ")";
  }
  std::string out;
  for (auto it = detail.begin(); it != detail.end(); ++it) {
    if (!out.empty()) out += ' ';
    out += it.key() + "=" + (it.value().is_string() ? it.value().get<std::string>() : it.value().dump());
  }
  return out;
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
      auto detail = nlohmann::json::parse(e.detail, nullptr, false);
      writer.Write({{"seq", e.seq},
                    {"at", FormatUtc(e.at)},
                    {"event", e.event},
                    {"akid", e.akid ? nlohmann::json(*e.akid) : nlohmann::json(nullptr)},
                    {"detail", detail.is_discarded() ? nlohmann::json(e.detail) : detail}});
      return Status::Ok();
    });
  }
  return vault->ForEachAuditEntry([&](const AuditEntry& e) {
    if (!matches(e)) return Status::Ok();
    ctx.io.out() << PadRight(std::to_string(e.seq), 6) << FormatUtc(e.at) << "  " << PadRight(e.event, 8)
                 << PadRight(e.akid.value_or("-"), 26) << Summary(e) << '\n';
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
