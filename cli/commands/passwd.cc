// akvault passwd [--new-passphrase-file FILE] [--kdf LEVEL] [--rekey]
// Re-wraps the vault key under a new passphrase; no record is re-encrypted.
// With --rekey: a new vault key, every record re-sealed and every old wrap
// and page purged (Vault::Rekey), for when the old passphrase or a copy of
// the vault file may have leaked (docs/rotation.md, "Re-keying the vault").
// This command runs Argon2id twice (old passphrase, new passphrase): the only
// exception to "one derivation per command".
#include <CLI/CLI.hpp>
#include <memory>

#include "cli/commands/commands.h"
#include "cli/commands/common.h"
#include "vault/crypto/kdf.h"
#include "vault/encoding/display_text.h"
#include "vault/encoding/json_dump.h"

namespace akv::cli {
namespace {

struct PasswdOptions {
  std::string new_passphrase_file;
  std::string kdf;
  bool rekey = false;
};

Status RunPasswd(Context& ctx, const PasswdOptions& opts) {
  std::optional<KdfParams> kdf;
  if (!opts.kdf.empty()) {
    kdf = KdfPreset(opts.kdf);
    if (!kdf) return Status::Usage("--kdf must be interactive, moderate or sensitive");
  }
  AKV_ASSIGN_OR_RETURN(auto vault, ctx.OpenVault(Vault::Access::kReadWrite));
  // Always the passphrase, never `akvault unlock`: changing it must prove
  // it. The session's unlock of this vault goes (it would be stale anyway:
  // it is bound to the keyring this command replaces).
  AKV_RETURN_IF_ERROR(ctx.UnlockVaultWithPassphrase(*vault));
  if (ctx.unlock_cache != nullptr) {
    auto dropped = ctx.unlock_cache->Drop(vault->vault_id());
    if (dropped.ok() && *dropped) ctx.Note("forgot this session's `akvault unlock` of " + vault->path());
  }
  AKV_ASSIGN_OR_RETURN(SecretBuffer fresh, ctx.NewPassphrase(opts.new_passphrase_file));
  if (opts.rekey) {
    AKV_ASSIGN_OR_RETURN(std::int64_t records, vault->Rekey(fresh, kdf));
    if (ctx.globals.json) {
      ctx.io.out() << DumpJson(nlohmann::json{{"vault", vault->path()},
                                              {"kdf", KdfPresetName(vault->kdf())},
                                              {"rekey", true},
                                              {"records", records}})
                   << '\n';
    } else {
      ctx.io.out() << "Re-keyed " << vault->path() << ": a new vault key under the new master passphrase (Argon2id "
                   << KdfPresetName(vault->kdf()) << "), " << records
                   << " record(s) re-sealed, the old key's wrap and pages purged\n";
    }
    return Status::Ok();
  }
  AKV_RETURN_IF_ERROR(vault->ChangePassphrase(fresh, kdf));
  if (ctx.globals.json) {
    ctx.io.out() << DumpJson(nlohmann::json{{"vault", vault->path()}, {"kdf", KdfPresetName(vault->kdf())}}) << '\n';
  } else {
    ctx.io.out() << "Changed the master passphrase of " << DisplayText(vault->path()) << " (Argon2id "
                 << KdfPresetName(vault->kdf()) << ")\n";
  }
  return Status::Ok();
}

}  // namespace

void AddPasswdCommand(CLI::App& root, CommandTable& table) {
  auto opts = std::make_shared<PasswdOptions>();
  CLI::App* cmd = root.add_subcommand("passwd", "change the master passphrase (re-wraps the vault key only)");
  cmd->add_option("--new-passphrase-file", opts->new_passphrase_file,
                  "read the new passphrase from this owner-only file instead of asking twice");
  cmd->add_option("--kdf", opts->kdf, "also change the Argon2id cost: interactive, moderate or sensitive")
      ->check(CLI::IsMember({"interactive", "moderate", "sensitive"}));
  cmd->add_flag("--rekey", opts->rekey,
                "also replace the vault key: every record re-sealed, old wraps and pages purged (after a leak)");
  table.push_back({cmd, [opts](Context& ctx) { return RunPasswd(ctx, *opts); }});
}

}  // namespace akv::cli
