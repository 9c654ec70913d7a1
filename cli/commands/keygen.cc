// akvault keygen --out FILE [--force] | akvault keygen --show-public FILE
// Creates this machine's X25519 identity for recipient-mode bundles: the
// private key file is written owner-only and atomically; the public key
// (akvpub1..., with a checksum) is printed on stdout to send to whoever
// exports keys for this machine.
#include <CLI/CLI.hpp>
#include <memory>

#include "cli/commands/commands.h"
#include "cli/commands/common.h"
#include "vault/bundle/identity.h"
#include "vault/crypto/box.h"
#include "vault/encoding/json_dump.h"
#include "vault/fs/secure_file.h"

namespace akv::cli {
namespace {

struct KeygenOptions {
  std::string out;
  std::string show_public;
  bool force = false;
};

// The public key of an existing identity again (like age-keygen -y).
Status ShowPublic(Context& ctx, const std::string& path) {
  constexpr std::size_t kMaxIdentityFileBytes = 4096;
  AKV_ASSIGN_OR_RETURN(SecretBuffer text, ReadSecretFile(path, "--show-public", kMaxIdentityFileBytes));
  AKV_ASSIGN_OR_RETURN(BoxKeyPair pair, ParseIdentityFile(text));
  ctx.io.out() << EncodeRecipient(pair.public_key) << '\n';
  return Status::Ok();
}

Status RunKeygen(Context& ctx, const KeygenOptions& opts) {
  if (opts.out.empty() == opts.show_public.empty()) {
    return Status::Usage("give --out FILE (a new key pair) or --show-public FILE (an existing one's public key)");
  }
  if (!opts.show_public.empty()) return ShowPublic(ctx, opts.show_public);
  AKV_RETURN_IF_ERROR(CheckNotVaultFile(ctx, opts.out, "--out"));
  AKV_RETURN_IF_ERROR(CheckOutputPath(opts.out, "--out", opts.force));
  BoxKeyPair pair = GenerateBoxKeyPair(ctx.rng);
  SecretBuffer file = EncodeIdentityFile(pair, ctx.clock.NowUnixSeconds());
  WriteOptions write;
  write.what = "--out";
  write.replace = opts.force;
  AKV_RETURN_IF_ERROR(WriteFileAtomic(opts.out, file.span(), write));
  const std::string recipient = EncodeRecipient(pair.public_key);
  if (ctx.globals.json) {
    ctx.io.out() << DumpJson(nlohmann::json{{"public_key", recipient}, {"identity", opts.out}}) << '\n';
  } else {
    ctx.io.out() << recipient << '\n';
  }
  ctx.Note("wrote the private identity to " + opts.out + " (mode 0600); give the public key above to whoever "
           "exports keys for this machine: akvault export ... --recipient " + recipient);
  return Status::Ok();
}

}  // namespace

void AddKeygenCommand(CLI::App& root, CommandTable& table) {
  auto opts = std::make_shared<KeygenOptions>();
  CLI::App* cmd = root.add_subcommand("keygen", "create this machine's key pair for recipient-mode bundles");
  cmd->add_option("--out", opts->out, "where to write the private identity (0600)");
  cmd->add_option("--show-public", opts->show_public, "print the public key of this existing identity file again");
  cmd->add_flag("--force", opts->force, "replace an existing identity file (atomically)");
  table.push_back({cmd, [opts](Context& ctx) { return RunKeygen(ctx, *opts); }});
}

}  // namespace akv::cli
