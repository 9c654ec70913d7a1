#include "cli/commands/credential_source.h"

#include <CLI/CLI.hpp>
#include <map>

#include "cli/commands/common.h"
#include "vault/bundle/identity.h"
#include "vault/bundle/seal.h"
#include "vault/credentials/render.h"
#include "vault/fs/secure_file.h"

namespace akv::cli {
namespace {

// An armored 1 MiB bundle is about 1.4 MiB.
constexpr std::size_t kMaxBundleFileBytes = 2u << 20;
constexpr std::size_t kMaxIdentityFileBytes = 4096;

Result<std::vector<LoadedCredential>> FromBundle(Context& ctx, const SourceOptions& opts) {
  AKV_ASSIGN_OR_RETURN(Bytes raw, ReadPublicFile(opts.bundle, "bundle", kMaxBundleFileBytes));
  AKV_ASSIGN_OR_RETURN(BundleInfo info, InspectBundle(raw));

  std::optional<BoxKeyPair> identity;
  if (info.needs_identity) {
    if (opts.identity.empty()) {
      return Status::Usage("bundle " + opts.bundle + " is sealed to a machine's key",
                           "pass --identity FILE (the file `akvault keygen` wrote on this machine)");
    }
    AKV_ASSIGN_OR_RETURN(SecretBuffer text, ReadSecretFile(opts.identity, "--identity", kMaxIdentityFileBytes));
    AKV_ASSIGN_OR_RETURN(identity, ParseIdentityFile(text));
  } else if (!opts.identity.empty()) {
    return Status::Usage("bundle " + opts.bundle + " is not sealed to any identity; it opens with its password",
                         "drop --identity and give --password-file or type the password");
  }
  SecretBuffer password;
  if (info.needs_password) {
    if (!opts.password_file.empty()) {
      AKV_ASSIGN_OR_RETURN(password, ReadSecretLine(opts.password_file, "--password-file"));
    } else if (ctx.io.TerminalAvailable()) {
      AKV_ASSIGN_OR_RETURN(password, ctx.io.PromptSecret("Bundle password (XXXXX-XXXXX-XXXXX-XXXXX-XXXXX)"));
    } else {
      return Status::Input("no terminal to ask for the bundle password",
                           "pass --password-file FILE (a file only you can read, password on the first line)");
    }
  } else if (!opts.password_file.empty()) {
    return Status::Usage("bundle " + opts.bundle + " needs no password", "drop --password-file");
  }
  OpenOptions open;
  open.password = info.needs_password ? &password : nullptr;
  open.identity = identity ? &*identity : nullptr;
  open.now = ctx.clock.NowUnixSeconds();
  AKV_ASSIGN_OR_RETURN(OpenedBundle opened, OpenBundle(raw, open));
  std::vector<LoadedCredential> out;
  for (BundleKey& key : opened.payload.keys) {
    LoadedCredential c;
    c.akid = key.akid;
    c.secret = std::move(key.secret);
    c.owner = key.owner;
    c.app = key.app;
    c.created = key.created;
    c.rotate_days = key.rotate_days;
    out.push_back(std::move(c));
  }
  return out;
}

Result<std::vector<LoadedCredential>> FromVault(Context& ctx, const SourceOptions& opts, const std::string& purpose) {
  AKV_RETURN_IF_ERROR(ValidateAccessKeyId(opts.key));
  AKV_ASSIGN_OR_RETURN(auto vault, ctx.OpenVault(Vault::Access::kReadWrite));
  AKV_ASSIGN_OR_RETURN(auto found, vault->FindKey(opts.key));
  if (!found) return Status::NotFound("no AccessKey " + opts.key + " in the vault", "see `akvault list`");
  if (found->meta.status == KeyStatus::kRetired) {
    return Status::Conflict("AccessKey " + opts.key + " is retired (disabled in the console)",
                            "use the key that replaced it" +
                                (found->meta.successor ? ": " + *found->meta.successor : std::string()));
  }
  if (found->meta.status == KeyStatus::kSuperseded) {
    ctx.Warn(opts.key + " is superseded by " + found->meta.successor.value_or("?") + "; switch to the new key");
  }
  AKV_RETURN_IF_ERROR(ctx.UnlockVault(*vault));
  AKV_ASSIGN_OR_RETURN(RecordSecret opened, vault->RevealKey(opts.key, purpose));
  LoadedCredential c;
  c.akid = found->meta.akid;
  c.secret = std::move(opened.secret);
  c.owner = found->meta.owner;
  c.app = found->meta.app;
  c.created = found->meta.created.ToString();
  c.rotate_days = found->meta.rotate_days;
  std::vector<LoadedCredential> out;
  out.push_back(std::move(c));
  return out;
}

// The default profile name: the app, else the owner, in the profile
// alphabet [A-Za-z0-9._-] (an owner may be "alice@corp": '@' becomes '-'),
// at most 32 characters so that "-AKID" still fits in 64.
std::string ProfileBase(const LoadedCredential& c) {
  std::string name = c.app.value_or(c.owner).substr(0, 32);
  for (char& ch : name) {
    const bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' ||
                    ch == '_' || ch == '-';
    if (!ok) ch = '-';
  }
  return name;
}

}  // namespace

void AddSourceOptions(CLI::App* cmd, SourceOptions& opts, bool allow_key) {
  cmd->add_option("bundle", opts.bundle, "the bundle file (binary or armored)");
  if (allow_key) cmd->add_option("--key", opts.key, "use this key from the local vault instead of a bundle");
  cmd->add_option("--password-file", opts.password_file, "bundle password on the first line of this owner-only file");
  cmd->add_option("--identity", opts.identity, "this machine's identity file from `akvault keygen`");
  cmd->add_option("--profile", opts.profile, "profile name (one key) or which key to use (several)")
      ->check(NotEmpty());
}

Result<std::vector<LoadedCredential>> LoadCredentials(Context& ctx, const SourceOptions& opts,
                                                      const std::string& purpose) {
  if (opts.bundle.empty() == opts.key.empty()) {
    return Status::Usage(opts.bundle.empty() ? "give a bundle file or --key AKID" : "give a bundle file or --key, not both");
  }
  if (!opts.profile.empty()) AKV_RETURN_IF_ERROR(ValidateProfileName(opts.profile));
  std::vector<LoadedCredential> creds;
  if (!opts.key.empty()) {
    if (!opts.password_file.empty() || !opts.identity.empty()) {
      return Status::Usage("--key reads the local vault: --password-file and --identity are for bundles",
                           "use --passphrase-file for the vault's master passphrase");
    }
    AKV_ASSIGN_OR_RETURN(creds, FromVault(ctx, opts, purpose));
  } else {
    AKV_ASSIGN_OR_RETURN(creds, FromBundle(ctx, opts));
  }
  // Profile names: the app, else the owner; a clash gets the key ID appended.
  std::map<std::string, int> uses;
  for (const LoadedCredential& c : creds) ++uses[ProfileBase(c)];
  for (LoadedCredential& c : creds) {
    const std::string base = ProfileBase(c);
    c.profile = uses[base] > 1 ? base.substr(0, 63 - c.akid.size()) + "-" + c.akid : base;
  }
  if (opts.profile.empty()) return creds;
  if (creds.size() == 1) {
    creds.front().profile = opts.profile;
    return creds;
  }
  std::string names;
  for (LoadedCredential& c : creds) {
    if (c.profile == opts.profile || c.akid == opts.profile) {
      std::vector<LoadedCredential> one;
      one.push_back(std::move(c));
      return one;
    }
    names += (names.empty() ? "" : ", ") + c.profile;
  }
  return Status::NotFound("no key named " + opts.profile + " in the bundle", "profiles in it: " + names);
}

Result<LoadedCredential> SingleCredential(std::vector<LoadedCredential> creds) {
  if (creds.size() == 1) return std::move(creds.front());
  std::string names;
  for (const LoadedCredential& c : creds) names += (names.empty() ? "" : ", ") + c.profile;
  return Status::Usage("the bundle holds " + std::to_string(creds.size()) + " keys", "choose one with --profile NAME (" +
                                                                                      names + ")");
}

}  // namespace akv::cli
