// akvault retire AKID
// Records that the key was disabled and deleted in the console: it leaves
// `list` (kept for `list --all`, `show` and the log) and is never due again.
#include <CLI/CLI.hpp>
#include <memory>

#include "cli/commands/commands.h"
#include "cli/commands/common.h"
#include "vault/encoding/json_dump.h"

namespace akv::cli {
namespace {

Status RunRetire(Context& ctx, const std::string& akid) {
  AKV_ASSIGN_OR_RETURN(VaultAndKey opened, UnlockVaultForKey(ctx, akid));
  AKV_RETURN_IF_ERROR(opened.vault->RetireKey(akid));
  if (ctx.globals.json) {
    ctx.io.out() << DumpJson(nlohmann::json{{"retired", akid}}) << '\n';
  } else {
    ctx.io.out() << "Retired " << akid << ": it no longer appears in `akvault list` (see `list --all`).\n";
  }
  if (opened.key.meta.status == KeyStatus::kActive) {
    ctx.Warn(akid + " was still active, not rotated; if an application used it, it now needs a new key");
  }
  return Status::Ok();
}

}  // namespace

void AddRetireCommand(CLI::App& root, CommandTable& table) {
  auto akid = std::make_shared<std::string>();
  CLI::App* cmd = root.add_subcommand("retire", "record that a key was disabled and deleted in the console");
  cmd->add_option("akid", *akid, "the AccessKey ID")->required();
  table.push_back({cmd, [akid](Context& ctx) { return RunRetire(ctx, *akid); }});
}

}  // namespace akv::cli
