// akvault add --owner NAME [--app NAME] --id AKID [--created YYYY-MM-DD]
//             [--rotate-days N] [--note TEXT] [--main-account]
// The secret comes from the first line of stdin, or a no-echo prompt.
#include <CLI/CLI.hpp>
#include <memory>

#include "cli/commands/commands.h"
#include "cli/commands/common.h"
#include "vault/encoding/display_text.h"
#include "vault/encoding/json_dump.h"
#include "vault/rotation/policy.h"

namespace akv::cli {
namespace {

struct AddOptions {
  std::string owner;
  std::string app;
  std::string id;
  std::string created;
  std::string rotate_days;
  std::string note;
  bool main_account = false;
};

Status RunAdd(Context& ctx, const AddOptions& opts) {
  const std::optional<std::string> app = opts.app.empty() ? std::nullopt : std::optional<std::string>(opts.app);
  AKV_RETURN_IF_ERROR(ValidateAccessKeyId(opts.id));
  AKV_RETURN_IF_ERROR(CheckOwnerAndApp(opts.owner, app));
  AKV_ASSIGN_OR_RETURN(KeyDates dates, ParseKeyDates(opts.created, opts.rotate_days, ctx.clock.Today()));
  const Date created = dates.created;
  std::optional<int> rotate_days = dates.rotate_days;
  if (opts.note.size() > 1024) return Status::Usage("--note is longer than 1024 characters");

  AKV_ASSIGN_OR_RETURN(auto vault, ctx.OpenVault(Vault::Access::kReadWrite));
  // Refuse a duplicate before asking for anything.
  AKV_ASSIGN_OR_RETURN(auto existing, vault->FindKey(opts.id));
  if (existing) {
    return Status::Conflict("AccessKey " + opts.id + " is already in the vault (owner " + existing->meta.owner +
                                (existing->meta.app ? ", app " + *existing->meta.app : std::string()) + ")",
                            "one AccessKey belongs to one owner and app; create a new key in the console instead");
  }
  AKV_RETURN_IF_ERROR(ctx.UnlockVault(*vault));
  AKV_ASSIGN_OR_RETURN(SecretBuffer secret, ctx.ReadSecretInput("AccessKey Secret for " + opts.id));
  AKV_RETURN_IF_ERROR(ValidateSecret(secret.view()));
  if (!rotate_days) {
    AKV_ASSIGN_OR_RETURN(rotate_days, DefaultRotateDays(*vault));
  }

  NewKey key;
  key.meta.akid = opts.id;
  key.meta.owner = opts.owner;
  key.meta.app = app;
  key.meta.created = created;
  key.meta.rotate_days = *rotate_days;
  key.meta.main_account = opts.main_account;
  key.secret = std::move(secret);
  key.note = opts.note;
  const std::string warning = UnusualLengthWarning(opts.id, key.secret.size());
  if (!warning.empty()) ctx.Warn(warning);
  if (opts.main_account) {
    ctx.Warn("recorded as the main account's AccessKey: the guidance is never to use one; `akvault lint` reports it");
  }
  AKV_RETURN_IF_ERROR(vault->AddKey(key));
  WarnIfCrowded(ctx, *vault, opts.owner, app);
  if (ctx.globals.json) {
    // Print the row as stored, with the fields the vault derives (due date).
    AKV_ASSIGN_OR_RETURN(auto stored, vault->FindKey(opts.id));
    if (!stored) return Status::Internal("AccessKey " + opts.id + " is missing right after it was added");
    ctx.io.out() << DumpJson(KeyJson(stored->meta)) << '\n';
  } else {
    ctx.io.out() << "Added " << opts.id << " (owner " << DisplayText(opts.owner)
                 << (app ? ", app " + DisplayText(*app) : std::string()) << "), rotate by "
                 << key.meta.deadline().ToString() << '\n';
  }
  return Status::Ok();
}

}  // namespace

void AddAddCommand(CLI::App& root, CommandTable& table) {
  auto opts = std::make_shared<AddOptions>();
  CLI::App* cmd = root.add_subcommand("add", "store one AccessKey (secret from stdin or a no-echo prompt)");
  cmd->add_option("--owner", opts->owner, "the person who answers for this key")->required();
  cmd->add_option("--app", opts->app, "the application that uses it (none: a personal key)");
  cmd->add_option("--id", opts->id, "the AccessKey ID, e.g. LTAI5t...")->required();
  cmd->add_option("--created", opts->created, "the day the key was created in the console, YYYY-MM-DD (UTC; default today)")
      ->check(NotEmpty());
  cmd->add_option("--rotate-days", opts->rotate_days, "rotation period in days (default: the vault's, normally 90)")
      ->check(NotEmpty());
  cmd->add_option("--note", opts->note, "a note kept encrypted with the key (not a secret: it is typed in argv)");
  cmd->add_flag("--main-account", opts->main_account, "this is the main (root) account's AccessKey (lint flags it)");
  table.push_back({cmd, [opts](Context& ctx) { return RunAdd(ctx, *opts); }});
}

}  // namespace akv::cli
