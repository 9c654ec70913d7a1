// akvault credential-process (BUNDLE | --key AKID) [--password-file FILE | --identity FILE] [--profile NAME]
// Prints {"mode":"AK","access_key_id":…,"access_key_secret":…} for the
// aliyun CLI's External mode: no credentials file on disk at all. See
// docs/howto-server.md for the `aliyun configure --mode External` set-up and
// why ~/.aliyun/config.json must be made read-only (0400) afterwards.
#include <CLI/CLI.hpp>
#include <memory>

#include "cli/commands/commands.h"
#include "cli/commands/credential_source.h"
#include "vault/credentials/render.h"

namespace akv::cli {
namespace {

Status RunCredentialProcess(Context& ctx, const SourceOptions& opts) {
  AKV_ASSIGN_OR_RETURN(std::vector<LoadedCredential> creds, LoadCredentials(ctx, opts, "credential-process"));
  AKV_ASSIGN_OR_RETURN(LoadedCredential cred, SingleCredential(std::move(creds)));
  AKV_ASSIGN_OR_RETURN(SecretBuffer json, RenderCredentialProcess(cred.akid, cred.secret));
  return ctx.io.WriteSecret(json);
}

}  // namespace

void AddCredentialProcessCommand(CLI::App& root, CommandTable& table) {
  auto opts = std::make_shared<SourceOptions>();
  CLI::App* cmd = root.add_subcommand("credential-process",
                                      "print the JSON the aliyun CLI's External credential mode reads");
  AddSourceOptions(cmd, *opts, /*allow_key=*/true);
  table.push_back({cmd, [opts](Context& ctx) { return RunCredentialProcess(ctx, *opts); }});
}

}  // namespace akv::cli
