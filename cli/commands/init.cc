// akvault init [--kdf interactive|moderate|sensitive] [--new-passphrase-file FILE]
#include <CLI/CLI.hpp>
#include <memory>

#include "cli/commands/commands.h"
#include "cli/commands/common.h"
#include "vault/crypto/kdf.h"
#include "vault/encoding/display_text.h"
#include "vault/encoding/json_dump.h"

namespace akv::cli {
namespace {

struct InitOptions {
  std::string kdf = "moderate";
  std::string new_passphrase_file;
};

Status RunInit(Context& ctx, const InitOptions& opts) {
  const auto kdf = KdfPreset(opts.kdf);
  if (!kdf) return Status::Usage("--kdf must be interactive, moderate or sensitive");
  const std::string path = ctx.VaultPath();
  // The passphrase comes from --new-passphrase-file, else --passphrase-file
  // (scripts that pass the same file to every command), else two prompts.
  const std::string file = !opts.new_passphrase_file.empty() ? opts.new_passphrase_file : ctx.globals.passphrase_file;
  AKV_ASSIGN_OR_RETURN(SecretBuffer passphrase, ctx.NewPassphrase(file));
  AKV_RETURN_IF_ERROR(Vault::Create(path, passphrase, *kdf, ctx.rng, ctx.clock));
  if (ctx.globals.json) {
    ctx.io.out() << DumpJson(nlohmann::json{{"vault", path}, {"kdf", opts.kdf}}) << '\n';
  } else {
    ctx.io.out() << "Created vault " << DisplayText(path) << " (Argon2id " << opts.kdf << ": " << kdf->ops
                 << " passes, " << (kdf->mem_bytes >> 20) << " MiB)\n";
  }
  return Status::Ok();
}

}  // namespace

void AddInitCommand(CLI::App& root, CommandTable& table) {
  auto opts = std::make_shared<InitOptions>();
  CLI::App* cmd = root.add_subcommand("init", "create a new vault (never overwrites one)");
  cmd->add_option("--kdf", opts->kdf, "Argon2id cost: interactive (64 MiB), moderate (256 MiB, default), sensitive (1 GiB)")
      ->check(CLI::IsMember({"interactive", "moderate", "sensitive"}));
  cmd->add_option("--new-passphrase-file", opts->new_passphrase_file,
                  "read the new master passphrase from this owner-only file instead of asking twice");
  table.push_back({cmd, [opts](Context& ctx) { return RunInit(ctx, *opts); }});
}

}  // namespace akv::cli
