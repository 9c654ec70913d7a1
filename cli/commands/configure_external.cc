// akvault configure-external BUNDLE (--identity FILE | --password-file FILE)
//     [--profile NAME] [--region REGION] [--out FILE] [--force]
// Writes a profile in the aliyun CLI's External mode into
// ~/.aliyun/config.json (merged: the other profiles stay): the CLI and the
// SDKs' CLIProfile provider run `akvault credential-process BUNDLE
// --identity FILE` whenever they need the key, so no secret is ever in the
// file. The file is left 0400: the Node credentials library writes the key
// it received back into config.json otherwise (the fact in
// ../shared/spec/cli.md, measured), and a read-only file makes that write
// fail harmlessly.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <climits>
#include <cstdlib>
#include <memory>

#include "cli/commands/commands.h"
#include "cli/commands/common.h"
#include "cli/commands/credential_source.h"
#include "vault/credentials/merge.h"
#include "vault/credentials/render.h"
#include "vault/encoding/json_dump.h"
#include "vault/fs/existing_file.h"
#include "vault/fs/secure_file.h"

namespace akv::cli {
namespace {

struct ExternalOptions {
  SourceOptions source;
  std::string region = "cn-hangzhou";
  std::string out;
  bool force = false;
};

constexpr std::size_t kMaxConfigBytes = 1 << 20;

// The absolute, symlink-free path of an existing file: the command runs
// later from any folder, as the same user.
Result<std::string> Absolute(const std::string& path, const std::string& what) {
  char resolved[PATH_MAX];
  if (::realpath(path.c_str(), resolved) == nullptr) return Status::FromErrno(errno, "cannot resolve " + what, path);
  return std::string(resolved);
}

Result<std::string> DefaultConfigPath() {
  const char* home = std::getenv("HOME");
  if (home == nullptr || home[0] != '/') {
    return Status::Usage("HOME is not set to an absolute folder", "give --out ~/.aliyun/config.json as a full path");
  }
  return std::string(home) + "/.aliyun/config.json";
}

Status RunConfigureExternal(Context& ctx, const ExternalOptions& opts) {
  if (opts.source.bundle.empty()) return Status::Usage("give the bundle file the command will open");
  if (opts.source.identity.empty() && opts.source.password_file.empty()) {
    return Status::Usage(
        "External mode runs without a terminal: the bundle must open with --identity FILE or "
        "--password-file FILE",
        "export the bundle with --recipient (the public key of `akvault keygen` here)");
  }
  std::string out = opts.out;
  if (out.empty()) {
    AKV_ASSIGN_OR_RETURN(out, DefaultConfigPath());
  }
  AKV_RETURN_IF_ERROR(CheckNotVaultFile(ctx, out, "--out"));
  AKV_RETURN_IF_ERROR(CheckOutputPath(out, "--out", /*replace=*/true));
  // Open the bundle once now, so a wrong identity, an expired bundle or a
  // missing --profile fails here rather than inside the aliyun CLI later.
  AKV_ASSIGN_OR_RETURN(std::vector<LoadedCredential> creds, LoadCredentials(ctx, opts.source, "configure-external"));
  const bool several = creds.size() > 1;
  if (several) return SingleCredential(std::move(creds)).status();
  const LoadedCredential& cred = creds.front();

  // The command line the CLI splits on spaces: absolute paths, none with a
  // space (RenderExternalProfile refuses quotes and control characters).
  AKV_ASSIGN_OR_RETURN(std::string self, Absolute("/proc/self/exe", "the akvault binary"));
  AKV_ASSIGN_OR_RETURN(std::string bundle, Absolute(opts.source.bundle, "the bundle"));
  std::vector<std::string> parts = {self, "credential-process", bundle};
  if (!opts.source.identity.empty()) {
    AKV_ASSIGN_OR_RETURN(std::string identity, Absolute(opts.source.identity, "--identity"));
    parts.insert(parts.end(), {"--identity", identity});
  }
  if (!opts.source.password_file.empty()) {
    AKV_ASSIGN_OR_RETURN(std::string password, Absolute(opts.source.password_file, "--password-file"));
    parts.insert(parts.end(), {"--password-file", password});
  }
  std::string command;
  for (const std::string& part : parts) {
    if (part.find(' ') != std::string::npos) {
      return Status::Usage(part + " has a space in its path, which the External-mode command line cannot carry",
                           "move it to a path without spaces");
    }
    command += (command.empty() ? "" : " ") + part;
  }
  const std::string profile = opts.source.profile.empty() ? cred.profile : opts.source.profile;
  AKV_ASSIGN_OR_RETURN(SecretBuffer text, RenderExternalProfile(profile, command, opts.region));

  AKV_ASSIGN_OR_RETURN(std::optional<ExistingFile> existing, ReadExistingPrivateFile(out, "--out", kMaxConfigBytes));
  const std::vector<ProfileText> profiles = {{profile, &text}};
  AKV_ASSIGN_OR_RETURN(SecretBuffer merged,
                       MergeAliyunConfig(existing ? existing->text.view() : std::string_view(), profiles, opts.force,
                                         /*make_current=*/false, out));
  WriteOptions write;  // creates ~/.aliyun (0700) on a fresh account
  write.what = "--out";
  write.replace = existing.has_value();
  write.mode = 0400;
  AKV_RETURN_IF_ERROR(WriteFileAtomic(out, merged.span(), write));
  if (ctx.globals.json) {
    ctx.io.out() << DumpJson(nlohmann::json{{"profile", profile}, {"config", out}, {"process_command", command}})
                 << '\n';
  } else {
    ctx.io.out() << "Profile " << profile << " in " << out << " (External mode, no secret in the file): " << command
                 << '\n';
  }
  ctx.Note(out +
           " is now read-only (0400) so that no tool writes the key back into it; keep it so (`aliyun "
           "configure` needs chmod 600 first, and 0400 again after)");
  if (::geteuid() == 0) ctx.Warn("run the aliyun CLI and the SDKs as the service user, not root: root ignores 0400");
  return Status::Ok();
}

}  // namespace

void AddConfigureExternalCommand(CLI::App& root, CommandTable& table) {
  auto opts = std::make_shared<ExternalOptions>();
  CLI::App* cmd = root.add_subcommand(
      "configure-external",
      "write an aliyun config.json profile in External mode (credential-process, no secret on disk)");
  AddSourceOptions(cmd, opts->source, /*allow_key=*/false);
  cmd->add_option("--region", opts->region, "region_id of the profile (default cn-hangzhou)");
  cmd->add_option("--out", opts->out, "the aliyun config file (default ~/.aliyun/config.json)");
  cmd->add_flag("--force", opts->force, "replace a profile of the same name (the others are always kept)");
  table.push_back({cmd, [opts](Context& ctx) { return RunConfigureExternal(ctx, *opts); }});
}

}  // namespace akv::cli
