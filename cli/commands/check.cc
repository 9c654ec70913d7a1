// akvault check
// Verifies permissions (on open), SQLite integrity, every record, every
// distribution and setting, the audit chain and the vault-state tag.
#include <CLI/CLI.hpp>
#include <memory>

#include "cli/commands/commands.h"
#include "cli/commands/common.h"
#include "vault/encoding/display_text.h"
#include "vault/encoding/json_dump.h"

namespace akv::cli {
namespace {

Status RunCheck(Context& ctx) {
  AKV_ASSIGN_OR_RETURN(auto vault, ctx.OpenUnlockedVaultForCheck());
  AKV_ASSIGN_OR_RETURN(CheckReport report, vault->Check());
  if (ctx.globals.json) {
    ctx.io.out() << DumpJson(nlohmann::json{{"vault", vault->path()},
                                            {"ok", report.problems.empty()},
                                            {"keys", report.keys_checked},
                                            {"audit_entries", report.audit_entries_checked},
                                            {"problems", report.problems}})
                 << '\n';
  } else {
    for (const std::string& problem : report.problems) ctx.io.out() << "PROBLEM: " << DisplayText(problem) << '\n';
    ctx.io.out() << (report.problems.empty() ? "OK: " : "FAILED: ") << DisplayText(vault->path()) << ": "
                 << report.keys_checked << " keys and " << report.audit_entries_checked << " audit entries checked, "
                 << report.problems.size() << " problem(s)\n";
  }
  if (!report.problems.empty()) {
    return Status::Tampered("vault " + vault->path() + " failed verification: " + report.problems.front(),
                            "restore the vault from a backup; see docs/design.md (threat model)");
  }
  return Status::Ok();
}

}  // namespace

void AddCheckCommand(CLI::App& root, CommandTable& table) {
  CLI::App* cmd = root.add_subcommand("check", "verify permissions, every record and the audit trail");
  table.push_back({cmd, [](Context& ctx) { return RunCheck(ctx); }});
}

}  // namespace akv::cli
