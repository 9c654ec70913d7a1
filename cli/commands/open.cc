// akvault open BUNDLE [--password-file FILE | --identity FILE]
//   [--format env|export-env|json|ini|aliyun] [--profile NAME] [--out FILE]
//   [--force] [--chown USER] [--region REGION]
// Decrypts a bundle on the receiving machine (no vault needed) into a
// credentials file written owner-only and atomically, or to stdout. The ini
// and aliyun formats merge into an existing file: its other profiles stay,
// a profile of the same name is replaced only with --force.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <memory>

#include "cli/commands/commands.h"
#include "cli/commands/common.h"
#include "cli/commands/credential_source.h"
#include "cli/user_lookup.h"
#include "vault/credentials/render.h"
#include "vault/crypto/secret.h"
#include "vault/fs/existing_file.h"
#include "vault/fs/secure_file.h"

namespace akv::cli {
namespace {

struct OpenCommandOptions {
  SourceOptions source;
  std::string format = "env";
  std::string out;
  bool force = false;
  std::string chown;
  std::string region = "cn-hangzhou";
};

Status ResolveOwner(const std::string& user, WriteOptions& write) {
  if (::geteuid() != 0) {
    return Status::Permission("--chown needs root", "run the install as root, or drop --chown to keep the file yours");
  }
  AKV_ASSIGN_OR_RETURN(UserIds ids, LookUpUser(user));
  write.as_user = UserIdentity{ids.uid, ids.gid};
  return Status::Ok();
}

// The secrets of one open (the identity file or the password line, the file
// key and its subkeys, the plaintext, each AccessKey Secret, the rendered
// file) fit in one locked arena for a bundle of a few keys; a larger bundle's
// buffers that do not fit get their own sodium_malloc as usual.
constexpr std::size_t kOpenArenaBytes = 16 << 10;
// An existing credentials file to merge into: a few profiles are a few KiB.
constexpr std::size_t kMaxMergedFileBytes = 1 << 20;

// The --chown user, whose own file a root install may merge into.
std::optional<uid_t> AsUserUid(const WriteOptions& write) {
  if (!write.as_user) return std::nullopt;
  return write.as_user->uid;
}

Status RunOpen(Context& ctx, const OpenCommandOptions& opts) {
  // Declared first, so every buffer taken from it is gone before it is.
  SecureArena arena(kOpenArenaBytes);
  const SecureArena::Scope arena_scope(arena);
  const auto format = ParseCredentialFormat(opts.format);
  if (!format) return Status::Usage("--format must be env, export-env, json, ini or aliyun");
  if (ctx.globals.json) {
    return Status::Usage("open prints credentials in the layout --format names, not --json",
                         "use --format json for a JSON document");
  }
  const bool merges = FormatMerges(*format);
  if (!opts.source.key.empty())
    return Status::Usage("open reads a bundle", "to use a vault key, see `akvault exec --key`");
  WriteOptions write;
  write.what = "--out";
  write.replace = opts.force;
  if (!opts.chown.empty()) {
    if (opts.out.empty()) return Status::Usage("--chown needs --out FILE");
    AKV_RETURN_IF_ERROR(ResolveOwner(opts.chown, write));
  }
  // Refuse a taken destination before any password is asked or KDF is run.
  if (!opts.out.empty()) {
    AKV_RETURN_IF_ERROR(CheckNotVaultFile(ctx, opts.out, "--out"));
    // ini and aliyun files are merged into, so an existing one is fine.
    WriteOptions check = write;
    check.replace = opts.force || merges;
    AKV_RETURN_IF_ERROR(CheckOutputPath(opts.out, "--out", check));
  }
  AKV_ASSIGN_OR_RETURN(std::vector<LoadedCredential> creds, LoadCredentials(ctx, opts.source, "open"));
  if ((*format == CredentialFormat::kEnv || *format == CredentialFormat::kExportEnv) && creds.size() > 1) {
    // Names the profiles to choose from, as exec does.
    return SingleCredential(std::move(creds)).status();
  }
  // The SDKs' default lookup (Go, Node, Java, Python) reads the [default]
  // section unless ALIBABA_CLOUD_PROFILE says otherwise: a one-key INI file
  // must be found without extra configuration.
  if (*format == CredentialFormat::kIni && creds.size() == 1 && opts.source.profile.empty()) {
    creds.front().profile = "default";
  }
  std::vector<Credential> view;
  for (const LoadedCredential& c : creds) view.push_back({c.profile, c.akid, &c.secret, c.owner, c.app});

  std::optional<ExistingFile> existing;
  if (merges && !opts.out.empty()) {
    AKV_ASSIGN_OR_RETURN(existing, ReadExistingPrivateFile(opts.out, "--out", kMaxMergedFileBytes, AsUserUid(write)));
  }
  std::optional<MergeTarget> target;
  if (existing) {
    target = MergeTarget{existing->text.view(), opts.force, opts.out};
    write.replace = true;
    // A config.json kept read-only for External mode stays read-only.
    if ((existing->mode & 0200) == 0) write.mode = 0400;
  }
  AKV_ASSIGN_OR_RETURN(SecretBuffer rendered, RenderCredentials(*format, view, opts.region, target ? &*target : nullptr));

  std::string profiles;
  for (const LoadedCredential& c : creds) profiles += (profiles.empty() ? "" : ", ") + c.profile;
  if (opts.out.empty()) {
    AKV_RETURN_IF_ERROR(ctx.io.WriteSecret(rendered));
    return Status::Ok();
  }
  AKV_RETURN_IF_ERROR(WriteFileAtomic(opts.out, rendered.span(), write));
  ctx.Note(std::string(existing ? "merged " : "wrote ") + std::to_string(creds.size()) + " key(s) (" + profiles +
           ") into " + opts.out + (write.mode == 0400 ? ", mode 0400" : ", mode 0600") +
           (opts.chown.empty() ? std::string() : ", owner " + opts.chown));
  return Status::Ok();
}

}  // namespace

void AddOpenCommand(CLI::App& root, CommandTable& table) {
  auto opts = std::make_shared<OpenCommandOptions>();
  CLI::App* cmd = root.add_subcommand("open", "decrypt a bundle into a credentials file (no vault needed)");
  AddSourceOptions(cmd, opts->source, /*allow_key=*/false);
  cmd->add_option("--format", opts->format,
                  "env (default), export-env (for eval), json, ini (~/.alibabacloud/credentials, merged) or aliyun "
                  "(~/.aliyun/config.json, merged)")
      ->check(CLI::IsMember({"env", "export-env", "json", "ini", "aliyun"}));
  cmd->add_option("--out", opts->out, "write here (0600, atomically, never through a symlink) instead of stdout");
  cmd->add_flag("--force", opts->force,
                "replace an existing --out file (env, json) or the profile of the same name in it (ini, aliyun)");
  cmd->add_option("--chown", opts->chown,
                  "as root: create the file (and missing folders) as this user, who owns them (e.g. the service user)");
  cmd->add_option("--region", opts->region, "region_id for the aliyun format (default cn-hangzhou)");
  table.push_back({cmd, [opts](Context& ctx) { return RunOpen(ctx, *opts); }});
}

}  // namespace akv::cli
