// akvault receive BUNDLE [--password-file FILE | --identity FILE] [--profile NAME]
//                 [--kdf interactive|moderate|sensitive]
// The teammate's side of a bundle: takes its keys into the receiver's own
// vault, creating the vault when there is none. Keeps each key's owner,
// app, creation day and rotation period (so its deadline) as the sender's
// vault had them. One secret is asked at a time, in order: the bundle
// password (unless --password-file or an identity), then the master
// passphrase (twice for a new vault), never two prompts on one terminal.
#include <CLI/CLI.hpp>
#include <memory>

#include "cli/commands/commands.h"
#include "cli/commands/common.h"
#include "cli/commands/credential_source.h"
#include "vault/crypto/kdf.h"
#include "vault/encoding/json_dump.h"
#include "vault/fs/secure_file.h"

namespace akv::cli {
namespace {

struct ReceiveOptions {
  SourceOptions source;
  std::string kdf = "moderate";
};

Status RunReceive(Context& ctx, const ReceiveOptions& opts) {
  const auto kdf = KdfPreset(opts.kdf);
  if (!kdf) return Status::Usage("--kdf must be interactive, moderate or sensitive");
  const std::string path = ctx.VaultPath();
  const bool is_uri = path.rfind("postgres", 0) == 0;
  const bool create = !is_uri && !PathExists(path);
  // A vault that exists is opened (permissions checked) before any prompt.
  std::unique_ptr<Vault> vault;
  if (!create) {
    AKV_ASSIGN_OR_RETURN(vault, ctx.OpenVault(Vault::Access::kReadWrite));
  }
  // 1: the bundle (its password prompt, if any, comes first and alone).
  AKV_ASSIGN_OR_RETURN(std::vector<LoadedCredential> creds, LoadCredentials(ctx, opts.source, "receive"));
  std::vector<ImportKey> keys;
  std::vector<std::string> skipped;
  for (const LoadedCredential& c : creds) {
    const std::optional<Date> created = Date::Parse(c.created);
    if (!created || c.rotate_days <= 0) return Status::Internal("bundle key " + c.akid + " has no valid dates");
    if (vault) {
      AKV_ASSIGN_OR_RETURN(auto existing, vault->FindKey(c.akid));
      if (existing) {
        skipped.push_back(c.akid);
        continue;
      }
    }
    ImportKey key;
    key.meta.akid = c.akid;
    key.meta.owner = c.owner;
    key.meta.app = c.app;
    key.meta.created = *created;
    key.meta.rotate_days = c.rotate_days;
    key.secret = c.secret.span();
    keys.push_back(std::move(key));
  }
  for (const std::string& id : skipped) ctx.Note(id + " is already in the vault; kept as it is");
  if (keys.empty()) {
    ctx.io.out() << "Nothing to receive: every key of " << opts.source.bundle << " is already in " << path << '\n';
    return Status::Ok();
  }
  // 2: the master passphrase (a new one, asked twice, for a new vault).
  if (create) {
    ctx.Note("no vault at " + path + " yet: creating it (choose a master passphrase, 8+ characters)");
    AKV_ASSIGN_OR_RETURN(SecretBuffer passphrase, ctx.NewPassphrase(ctx.globals.passphrase_file));
    AKV_RETURN_IF_ERROR(Vault::Create(path, passphrase, *kdf, ctx.rng, ctx.clock));
    AKV_ASSIGN_OR_RETURN(vault, ctx.OpenVault(Vault::Access::kReadWrite));
    AKV_RETURN_IF_ERROR(vault->Unlock(passphrase));
  } else {
    AKV_ASSIGN_OR_RETURN(SecretBuffer passphrase, ctx.MasterPassphrase());
    AKV_RETURN_IF_ERROR(vault->Unlock(passphrase));
  }
  // All keys or none, in one transaction.
  AKV_RETURN_IF_ERROR(vault->ImportKeys(keys, "bundle " + opts.source.bundle, ProgressFn()));
  nlohmann::json rows = nlohmann::json::array();
  for (const ImportKey& k : keys) {
    if (ctx.globals.json) {
      rows.push_back(KeyJson(k.meta));
    } else {
      ctx.io.out() << "Received " << k.meta.akid << " (owner " << k.meta.owner
                   << (k.meta.app ? ", app " + *k.meta.app : std::string()) << "), created "
                   << k.meta.created.ToString() << ", rotate by " << k.meta.deadline().ToString() << '\n';
    }
  }
  if (ctx.globals.json) ctx.io.out() << DumpJson(rows) << '\n';
  for (const ImportKey& k : keys) WarnIfCrowded(ctx, *vault, k.meta.owner, k.meta.app);
  ctx.Note("the keys are in " + path + "; delete the bundle now (rm " + opts.source.bundle + ")");
  return Status::Ok();
}

}  // namespace

void AddReceiveCommand(CLI::App& root, CommandTable& table) {
  auto opts = std::make_shared<ReceiveOptions>();
  CLI::App* cmd = root.add_subcommand("receive", "take a bundle's keys into your own vault (created if needed)");
  AddSourceOptions(cmd, opts->source, /*allow_key=*/false);
  cmd->add_option("--kdf", opts->kdf, "Argon2id cost of a vault created now (as for init; default moderate)")
      ->check(CLI::IsMember({"interactive", "moderate", "sensitive"}));
  table.push_back({cmd, [opts](Context& ctx) { return RunReceive(ctx, *opts); }});
}

}  // namespace akv::cli
