// akvault keygen --out FILE [--force]
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
  bool force = false;
};

Status RunKeygen(Context& ctx, const KeygenOptions& opts) {
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
  cmd->add_option("--out", opts->out, "where to write the private identity (0600)")->required();
  cmd->add_flag("--force", opts->force, "replace an existing identity file (atomically)");
  table.push_back({cmd, [opts](Context& ctx) { return RunKeygen(ctx, *opts); }});
}

}  // namespace akv::cli
