// akvault remove AKID
// Deletes a key record for good (the audit trail keeps a `remove` entry).
// For a key disabled in the console, `retire` is usually what you want.
#include <CLI/CLI.hpp>
#include <memory>

#include "cli/commands/commands.h"
#include "cli/commands/common.h"
#include "vault/encoding/json_dump.h"

namespace akv::cli {
namespace {

Status RunRemove(Context& ctx, const std::string& akid) {
  AKV_ASSIGN_OR_RETURN(VaultAndKey opened, UnlockVaultForKey(ctx, akid));
  AKV_RETURN_IF_ERROR(opened.vault->RemoveKey(akid));
  if (ctx.globals.json) {
    ctx.io.out() << DumpJson(nlohmann::json{{"removed", akid}}) << '\n';
  } else {
    ctx.io.out() << "Removed " << akid << " from the vault. If it still works in the console, disable and delete it there.\n";
  }
  return Status::Ok();
}

}  // namespace

void AddRemoveCommand(CLI::App& root, CommandTable& table) {
  auto akid = std::make_shared<std::string>();
  CLI::App* cmd = root.add_subcommand("remove", "delete a key from the vault for good (logged)");
  cmd->add_option("akid", *akid, "the AccessKey ID")->required();
  table.push_back({cmd, [akid](Context& ctx) { return RunRemove(ctx, *akid); }});
}

}  // namespace akv::cli
