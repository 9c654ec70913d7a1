// akvault rotate OLD --new-id NEW [--rotate-days N] [--grace-days N] [--created YYYY-MM-DD]
// Records the replacement key (secret on stdin or a prompt) and supersedes
// the old one, in one transaction; prints where the old key went.
#include <CLI/CLI.hpp>
#include <memory>

#include "cli/commands/commands.h"
#include "cli/commands/common.h"
#include "vault/encoding/display_text.h"
#include "vault/encoding/json_dump.h"
#include "vault/rotation/policy.h"

namespace akv::cli {
namespace {

struct RotateOptions {
  std::string old_id;
  std::string new_id;
  std::string rotate_days;
  std::string grace_days;
  std::string created;
};

Status RunRotate(Context& ctx, const RotateOptions& opts) {
  AKV_RETURN_IF_ERROR(ValidateAccessKeyId(opts.new_id));
  if (opts.old_id == opts.new_id) return Status::Usage("--new-id is the same as the key being rotated");
  const Date today = ctx.clock.Today();
  AKV_ASSIGN_OR_RETURN(KeyDates dates, ParseKeyDates(opts.created, opts.rotate_days, today));
  const Date created = dates.created;
  int grace_days = kDefaultGraceDays;
  if (!opts.grace_days.empty()) {
    AKV_ASSIGN_OR_RETURN(grace_days, ParseDayCount(opts.grace_days, "--grace-days", 0, 365));
  }

  AKV_ASSIGN_OR_RETURN(VaultAndKey opened, UnlockVaultForKey(ctx, opts.old_id));
  Vault* vault = opened.vault.get();
  const StoredKey* old = &opened.key;
  // The new key takes over the old one's period unless told otherwise.
  const int rotate_days = dates.rotate_days.value_or(old->meta.rotate_days);
  AKV_ASSIGN_OR_RETURN(SecretBuffer secret, ctx.ReadSecretInput("AccessKey Secret for the new key " + opts.new_id));
  AKV_RETURN_IF_ERROR(ValidateSecret(secret.view()));
  const std::string warning = UnusualLengthWarning(opts.new_id, secret.size());
  if (!warning.empty()) ctx.Warn(warning);

  NewKey replacement;
  replacement.meta.akid = opts.new_id;
  replacement.meta.created = created;
  replacement.meta.rotate_days = rotate_days;
  replacement.secret = std::move(secret);
  AKV_RETURN_IF_ERROR(vault->RotateKey(opts.old_id, replacement, grace_days));
  WarnIfCrowded(ctx, *vault, old->meta.owner, old->meta.app);

  std::vector<Distribution> carried;
  AKV_RETURN_IF_ERROR(vault->ForEachDistribution(opts.old_id, [&](const Distribution& d) {
    carried.push_back(d);
    return Status::Ok();
  }));
  const Date grace_end = today.AddDays(grace_days);
  if (ctx.globals.json) {
    nlohmann::json bundles = nlohmann::json::array();
    for (const Distribution& d : carried) {
      bundles.push_back({{"bundle_id", d.bundle_id}, {"mode", d.mode}, {"recipients", d.recipients},
                         {"destination", d.destination}, {"created", FormatUtc(d.created_at)}});
    }
    ctx.io.out() << DumpJson(nlohmann::json{{"old", opts.old_id},
                                            {"new", opts.new_id},
                                            {"new_deadline", created.AddDays(rotate_days).ToString()},
                                            {"grace_until", grace_end.ToString()},
                                            {"old_bundles", bundles}})
                 << '\n';
    return Status::Ok();
  }
  std::ostream& out = ctx.io.out();
  out << "Rotated " << opts.old_id << " -> " << opts.new_id << " (owner " << DisplayText(old->meta.owner)
      << (old->meta.app ? ", app " + DisplayText(*old->meta.app) : std::string()) << "); new deadline "
      << created.AddDays(rotate_days).ToString() << ".\n";
  out << "The old key stays usable until you disable it: do that in the console by " << grace_end.ToString()
      << ", then run `akvault retire " << opts.old_id << "`.\n";
  if (carried.empty()) {
    out << "The old key was never exported with akvault; move every place that uses it to the new key.\n";
  } else {
    out << "The old key went out in these bundles; send the new key to the same people and servers:\n";
    for (const Distribution& d : carried) {
      out << "  " << FormatUtc(d.created_at) << "  bundle " << DisplayText(d.bundle_id.substr(0, 16)) << "  "
          << DisplayText(d.mode);
      for (const std::string& r : d.recipients) out << "  " << DisplayText(r);
      out << "  -> " << DisplayText(d.destination) << '\n';
    }
  }
  return Status::Ok();
}

}  // namespace

void AddRotateCommand(CLI::App& root, CommandTable& table) {
  auto opts = std::make_shared<RotateOptions>();
  CLI::App* cmd = root.add_subcommand("rotate", "record the replacement of a key (new secret on stdin or a prompt)");
  cmd->add_option("akid", opts->old_id, "the AccessKey ID being replaced")->required();
  cmd->add_option("--new-id", opts->new_id, "the ID of the new key created in the console")->required();
  cmd->add_option("--rotate-days", opts->rotate_days, "rotation period of the new key (default: the old key's)")
      ->check(NotEmpty());
  cmd->add_option("--grace-days", opts->grace_days, "days until the old key must be disabled (default 7)")
      ->check(NotEmpty());
  cmd->add_option("--created", opts->created, "creation day of the new key, YYYY-MM-DD (default today, UTC)")
      ->check(NotEmpty());
  table.push_back({cmd, [opts](Context& ctx) { return RunRotate(ctx, *opts); }});
}

}  // namespace akv::cli
