// akvault lock [--all]
// Forgets this session's `akvault unlock` of the vault now (both halves:
// the key in the session keyring and the sealed file); --all forgets every
// vault's unlock in this session, without opening any vault.
#include <CLI/CLI.hpp>
#include <memory>

#include "cli/commands/commands.h"
#include "cli/commands/common.h"
#include "vault/encoding/json_dump.h"

namespace akv::cli {
namespace {

struct LockOptions {
  bool all = false;
};

Status RunLock(Context& ctx, const LockOptions& opts) {
  if (ctx.unlock_cache == nullptr) return Status::Internal("no session unlock cache in this process");
  if (opts.all) {
    AKV_ASSIGN_OR_RETURN(const int count, ctx.unlock_cache->DropAll());
    if (ctx.globals.json) {
      ctx.io.out() << DumpJson(nlohmann::json{{"locked", count}}) << '\n';
    } else {
      ctx.io.out() << "Locked " << count << " vault(s) unlocked in this login session\n";
    }
    return Status::Ok();
  }
  AKV_ASSIGN_OR_RETURN(auto vault, ctx.OpenVault(Vault::Access::kReadOnly));
  AKV_ASSIGN_OR_RETURN(const bool had, ctx.unlock_cache->Drop(vault->vault_id()));
  if (ctx.globals.json) {
    ctx.io.out() << DumpJson(nlohmann::json{{"vault", vault->path()}, {"was_unlocked", had}}) << '\n';
  } else if (had) {
    ctx.io.out() << "Locked " << vault->path() << ": commands ask for the passphrase again\n";
  } else {
    ctx.io.out() << vault->path() << " was not unlocked in this login session\n";
  }
  return Status::Ok();
}

}  // namespace

void AddLockCommand(CLI::App& root, CommandTable& table) {
  auto opts = std::make_shared<LockOptions>();
  CLI::App* cmd = root.add_subcommand("lock", "forget `akvault unlock` now: commands ask for the passphrase again");
  cmd->add_flag("--all", opts->all, "every vault unlocked in this login session (opens no vault)");
  table.push_back({cmd, [opts](Context& ctx) { return RunLock(ctx, *opts); }});
}

}  // namespace akv::cli
