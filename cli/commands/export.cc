// akvault export (AKID... | --owner NAME | --app NAME) --out FILE
//   [--recipient PUBKEY]... [--with-password] [--password-file FILE]
//   [--password-command CMD] [--expires-in DAYS] [--armor] [--force]
// Writes an encrypted bundle of active keys for out-of-band delivery and
// records where the keys went. Order, so that a crash never leaves a bundle
// whose password was never delivered: bundle to a temporary file; password
// delivered (file, command or terminal); export recorded in the vault, in
// one transaction that first re-reads every key (a rotate or remove that
// landed meanwhile wins: E_CONFLICT, nothing recorded); bundle renamed into
// place. Any failure removes the files this export created.
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstring>
#include <memory>

#include "cli/commands/commands.h"
#include "cli/commands/common.h"
#include "cli/commands/password_delivery.h"
#include "vault/bundle/armor.h"
#include "vault/bundle/identity.h"
#include "vault/bundle/password.h"
#include "vault/bundle/seal.h"
#include "vault/encoding/display_text.h"
#include "vault/encoding/encoding.h"
#include "vault/encoding/json_dump.h"
#include "vault/fs/secure_file.h"
#include "vault/rotation/policy.h"

namespace akv::cli {
namespace {

constexpr int kMaxExpiryDays = 365;

struct ExportOptions {
  std::vector<std::string> ids;
  std::string owner;
  std::string app;
  std::string out;
  std::vector<std::string> recipients;
  bool with_password = false;
  std::string password_file;
  std::string password_command;
  std::string expires_in = "7";
  bool armor = false;
  bool force = false;
};

// The active keys the options select (explicit IDs must all be active).
Result<std::vector<StoredKey>> SelectKeys(Vault& vault, const ExportOptions& opts, Context& ctx) {
  std::vector<StoredKey> keys;
  if (!opts.ids.empty()) {
    for (const std::string& id : opts.ids) {
      AKV_RETURN_IF_ERROR(ValidateAccessKeyId(id));
      AKV_ASSIGN_OR_RETURN(auto key, vault.FindKey(id));
      if (!key) return Status::NotFound("no AccessKey " + id + " in the vault", "see `akvault list`");
      if (key->meta.status != KeyStatus::kActive) {
        return Status::Conflict("AccessKey " + id + " is " + std::string(KeyStatusName(key->meta.status)) +
                                    " and is never exported again",
                                key->meta.successor ? "export its replacement " + *key->meta.successor
                                                    : std::string("export an active key"));
      }
      keys.push_back(std::move(*key));
    }
    return keys;
  }
  KeyFilter filter;
  if (!opts.owner.empty()) filter.owner = opts.owner;
  if (!opts.app.empty()) filter.app = opts.app;
  std::size_t skipped = 0;
  AKV_RETURN_IF_ERROR(vault.ForEachKey(filter, [&](const StoredKey& key) {
    if (key.meta.status == KeyStatus::kActive) {
      keys.push_back(key);
    } else {
      ++skipped;
    }
    return Status::Ok();
  }));
  if (skipped > 0) ctx.Note("left out " + std::to_string(skipped) + " superseded key(s): they are never exported again");
  if (keys.empty()) return Status::NotFound("no active key matches the selection", "see `akvault list`");
  return keys;
}

Status RunExport(Context& ctx, const ExportOptions& opts) {
  const int selectors = (!opts.ids.empty() ? 1 : 0) + (!opts.owner.empty() || !opts.app.empty() ? 1 : 0);
  if (selectors != 1) return Status::Usage("select keys by AccessKey ID(s), or by --owner and/or --app (not both ways)");
  AKV_ASSIGN_OR_RETURN(int expires_days, ParseDayCount(opts.expires_in, "--expires-in", 0, kMaxExpiryDays));
  std::vector<BoxPublicKey> recipients;
  for (const std::string& text : opts.recipients) {
    AKV_ASSIGN_OR_RETURN(BoxPublicKey pk, ParseRecipient(text));
    recipients.push_back(pk);
  }
  const bool uses_password = recipients.empty() || opts.with_password;
  if (!uses_password && (!opts.password_file.empty() || !opts.password_command.empty())) {
    return Status::Usage("a recipient-only bundle has no password",
                         "add --with-password to require both the identity and a password");
  }
  if (!opts.password_file.empty() && !opts.password_command.empty()) {
    return Status::Usage("give --password-file or --password-command, not both");
  }
  // Refuse bad destinations before anything is unlocked or written.
  AKV_RETURN_IF_ERROR(CheckNotVaultFile(ctx, opts.out, "--out"));
  AKV_RETURN_IF_ERROR(CheckOutputPath(opts.out, "--out", opts.force));
  if (!opts.password_file.empty()) {
    if (SamePath(opts.out, opts.password_file)) {
      return Status::Usage("--out and --password-file name the same file",
                           "the bundle and its password must be two files (and travel by two channels)");
    }
    AKV_RETURN_IF_ERROR(CheckNotVaultFile(ctx, opts.password_file, "--password-file"));
    Status free = CheckOutputPath(opts.password_file, "--password-file", /*replace=*/false);
    if (free.code() == Code::kConflict) {
      return Status::Conflict(opts.password_file + " already exists", "a password file is never overwritten; choose a new path");
    }
    AKV_RETURN_IF_ERROR(free);
  }
  if (uses_password && opts.password_file.empty() && opts.password_command.empty() && !ctx.io.StderrIsTerminal()) {
    ctx.Warn("the bundle password goes to standard error, which is not a terminal: make sure it is not logged, or use "
             "--password-file");
  }

  AKV_ASSIGN_OR_RETURN(auto vault, ctx.OpenVault(Vault::Access::kReadWrite));
  AKV_ASSIGN_OR_RETURN(std::vector<StoredKey> keys, SelectKeys(*vault, opts, ctx));
  AKV_RETURN_IF_ERROR(ctx.UnlockVault(*vault));

  BundlePayload payload;
  for (const StoredKey& key : keys) {
    AKV_ASSIGN_OR_RETURN(RecordSecret opened, vault->OpenKeyRecord(key));
    BundleKey entry;
    entry.akid = key.meta.akid;
    entry.secret = std::move(opened.secret);
    entry.owner = key.meta.owner;
    entry.app = key.meta.app;
    entry.created = key.meta.created.ToString();
    entry.rotate_days = key.meta.rotate_days;
    entry.deadline = key.meta.deadline().ToString();
    payload.keys.push_back(std::move(entry));
  }

  SealOptions seal;
  SecretBuffer shown_password, canonical_password;
  if (uses_password) {
    shown_password = GenerateBundlePassword(ctx.rng);
    AKV_ASSIGN_OR_RETURN(canonical_password, NormalizeBundlePassword(shown_password));
    seal.password = &canonical_password;
  }
  seal.recipients = recipients;
  seal.created = ctx.clock.NowUnixSeconds();
  seal.expires = seal.created + static_cast<std::int64_t>(expires_days) * 86400;
  AKV_ASSIGN_OR_RETURN(SealedBundle sealed, SealBundle(payload, seal, ctx.rng));
  Bytes file_bytes = sealed.bytes;
  if (opts.armor) {
    const std::string text = ArmorBundle(sealed.bytes);
    file_bytes.assign(text.begin(), text.end());
  }
  WriteOptions write;
  write.what = "--out";
  write.replace = opts.force;
  AKV_ASSIGN_OR_RETURN(PendingFile pending, PendingFile::Prepare(opts.out, file_bytes, write));

  // Once the password is delivered, a failure leaves it with no bundle to
  // open: the password file this export created goes again, and the message
  // says that a password already sent or shown opens nothing.
  struct ForgetPasswordUnlessPublished {
    const std::string& password_file;
    const PendingFile& bundle;
    bool created = false;  // only a file this export created is ever removed
    ~ForgetPasswordUnlessPublished() {
      if (created && !bundle.published()) ::unlink(password_file.c_str());
    }
  } forget_password{opts.password_file, pending};
  auto password_opens_nothing = [&](const Status& failed) {
    if (!uses_password || pending.published()) return failed;
    std::string sent;
    if (!opts.password_file.empty()) {
      if (!forget_password.created) return failed;
      sent = "the password file was removed again";
    } else {
      sent = opts.password_command.empty() ? "the password shown above opens nothing"
                                           : "the password already sent opens nothing";
    }
    return failed.WithHint((failed.hint().empty() ? "" : failed.hint() + "; ") + "no bundle was written, so " + sent +
                           "; run export again");
  };
  if (uses_password) {
    if (!opts.password_file.empty()) {
      Status written = WritePasswordFile(opts.password_file, shown_password, forget_password.created);
      if (!written.ok()) return password_opens_nothing(written);
    } else if (!opts.password_command.empty()) {
      AKV_RETURN_IF_ERROR(RunPasswordCommand(opts.password_command, shown_password));
    } else {
      AKV_RETURN_IF_ERROR(ShowPasswordOnStderr(ctx.io, shown_password));
    }
  }

  const std::string mode = recipients.empty() ? "password" : (opts.with_password ? "recipients+password" : "recipients");
  std::vector<Distribution> rows;
  for (const StoredKey& key : keys) {
    Distribution d;
    d.bundle_id = HexEncode(sealed.bundle_id);
    d.akid = key.meta.akid;
    d.created_at = seal.created;
    d.expires_at = seal.expires;
    d.mode = mode;
    d.recipients = opts.recipients;
    d.destination = opts.out;
    rows.push_back(std::move(d));
  }
  if (Status recorded = vault->RecordExport(rows, keys); !recorded.ok()) return password_opens_nothing(recorded);
  if (Status published = pending.Publish(); !published.ok()) return password_opens_nothing(published);

  if (ctx.globals.json) {
    nlohmann::json ids = nlohmann::json::array();
    for (const StoredKey& key : keys) ids.push_back(key.meta.akid);
    ctx.io.out() << DumpJson(nlohmann::json{
                        {"bundle", opts.out},
                        {"bundle_id", HexEncode(sealed.bundle_id)},
                        {"keys", ids},
                        {"mode", mode},
                        {"recipients", opts.recipients},
                        {"expires", FormatUtc(seal.expires)},
                        {"password_file",
                         opts.password_file.empty() ? nlohmann::json(nullptr) : nlohmann::json(opts.password_file)}})
                 << '\n';
  } else {
    ctx.io.out() << "Wrote " << DisplayText(opts.out) << ": " << keys.size() << " key(s), " << mode
                 << " bundle, expires " << FormatUtc(seal.expires) << ".\n";
    if (uses_password && !opts.password_file.empty()) {
      ctx.io.out() << "The password is in " << DisplayText(opts.password_file)
                   << " (0600): send it by another channel than the bundle (SMS, a call), then delete it.\n";
    }
  }
  return Status::Ok();
}

// A failing export removes every file it created, whatever step failed
// (H2-6e): RunExport's files are owned by objects that remove them unless
// published, and this handler makes sure an exception (a bug, or a library
// refusing a byte string) unwinds through them instead of ending the
// process with the temporary bundle and its password file left behind. The
// exception's text is not printed: it may quote bytes from outside.
Status RunExportCleaningUp(Context& ctx, const ExportOptions& opts) {
  try {
    return RunExport(ctx, opts);
  } catch (const std::exception&) {
    return Status::Internal("export stopped on an unexpected internal error; a bundle not yet in place and its "
                            "password file were removed again",
                            "please report this, with the command line (never the bundle or its password)");
  }
}

}  // namespace

void AddExportCommand(CLI::App& root, CommandTable& table) {
  auto opts = std::make_shared<ExportOptions>();
  CLI::App* cmd = root.add_subcommand("export", "write an encrypted bundle of keys for a teammate or a server");
  cmd->add_option("akids", opts->ids, "AccessKey ID(s) to export");
  cmd->add_option("--owner", opts->owner, "export this owner's active keys");
  cmd->add_option("--app", opts->app, "export this application's active keys");
  cmd->add_option("--out", opts->out, "the bundle file to write (0600)")->required();
  cmd->add_option("--recipient", opts->recipients, "seal to this public key from `akvault keygen` (repeatable)");
  cmd->add_flag("--with-password", opts->with_password, "with --recipient: also require a generated password");
  cmd->add_option("--password-file", opts->password_file, "write the generated password here (0600, never overwritten)");
  cmd->add_option("--password-command", opts->password_command,
                  "hand the password on stdin to this shell command (e.g. an SMS gateway CLI)");
  cmd->add_option("--expires-in", opts->expires_in, "days until the bundle expires (default 7; 0: at once)");
  cmd->add_flag("--armor", opts->armor, "printable text with BEGIN/END lines, safe to paste into an email");
  cmd->add_flag("--force", opts->force, "replace an existing --out file (atomically)");
  table.push_back({cmd, [opts](Context& ctx) { return RunExportCleaningUp(ctx, *opts); }});
}

}  // namespace akv::cli
