// akvault lint [--fail-on info|warning|error]
// Policy findings, each with its severity, key, owner, app and fix. Reads
// metadata only (no passphrase); with --passphrase-file every record and the
// policy setting are verified first. Exit E_POLICY (14) when a finding is at
// or above --fail-on (default error).
#include <CLI/CLI.hpp>
#include <algorithm>
#include <memory>

#include "cli/commands/commands.h"
#include "cli/commands/common.h"
#include "vault/encoding/display_text.h"
#include "vault/rotation/policy.h"

namespace akv::cli {
namespace {

struct LintOptions {
  std::string fail_on = "error";
};

Status RunLint(Context& ctx, const LintOptions& opts) {
  const auto fail_on = ParseSeverity(opts.fail_on);
  if (!fail_on) return Status::Usage("--fail-on must be info, warning or error");
  bool verify = !ctx.globals.passphrase_file.empty();
  AKV_ASSIGN_OR_RETURN(auto vault, ctx.OpenVault(verify ? Vault::Access::kReadWrite : Vault::Access::kReadOnly));
  if (verify) {
    AKV_RETURN_IF_ERROR(ctx.UnlockVault(*vault));
  } else {
    verify = ctx.UnlockFromSession(*vault);  // `akvault unlock`: verify at no cost
  }
  LintPolicy policy;
  policy.today = ctx.clock.Today();
  AKV_ASSIGN_OR_RETURN(policy.max_rotate_days, ConfigDays(*vault, "max-rotate-days"));
  Linter linter(policy);
  // Which keys have a network policy: presence only without a passphrase;
  // with one, each policy is verified where lint uses it.
  AKV_ASSIGN_OR_RETURN(std::vector<std::string> with_policy, vault->KeyPolicyAkids());
  std::sort(with_policy.begin(), with_policy.end());
  KeyFilter all;
  all.include_retired = true;
  AKV_RETURN_IF_ERROR(vault->ForEachKey(all, [&](const StoredKey& key) -> Status {
    if (verify) AKV_RETURN_IF_ERROR(vault->OpenKeyRecord(key).status());
    KeyExports exports;
    exports.missing_network_policy = !std::binary_search(with_policy.begin(), with_policy.end(), key.meta.akid);
    if (verify && !exports.missing_network_policy) AKV_RETURN_IF_ERROR(vault->VerifiedKeyPolicy(key.meta.akid).status());
    AKV_RETURN_IF_ERROR(vault->ForEachDistribution(key.meta.akid, [&](const Distribution& d) {
      if (!d.recipients.empty()) exports.exported_to_recipient = true;
      return Status::Ok();
    }));
    linter.Observe(key.meta, exports);
    return Status::Ok();
  }));
  const std::vector<Finding> findings = linter.Finish();

  if (ctx.globals.json) {
    JsonArrayWriter writer(ctx.io.out());
    for (const Finding& f : findings) {
      writer.Write({{"severity", std::string(SeverityName(f.severity))},
                    {"rule", f.rule},
                    {"akid", f.akid},
                    {"owner", f.owner},
                    {"app", f.app ? nlohmann::json(*f.app) : nlohmann::json(nullptr)},
                    {"message", f.message},
                    {"fix", f.fix}});
    }
  } else {
    for (const Finding& f : findings) {
      ctx.io.out() << SeverityName(f.severity) << ": [" << f.rule << "] " << DisplayText(f.akid) << " (owner "
                   << DisplayText(f.owner) << (f.app ? ", app " + DisplayText(*f.app) : std::string())
                   << "): " << DisplayText(f.message) << "\n    fix: " << DisplayText(f.fix) << '\n';
    }
    ctx.io.out() << findings.size() << " finding(s)" << (verify ? ", records verified" : "") << ".\n";
  }
  if (AnyAtOrAbove(findings, *fail_on)) return Status::Policy("");
  return Status::Ok();
}

}  // namespace

void AddLintCommand(CLI::App& root, CommandTable& table) {
  auto opts = std::make_shared<LintOptions>();
  CLI::App* cmd = root.add_subcommand("lint", "policy findings: overdue keys, expired grace, too many keys, main account, no network policy");
  cmd->add_option("--fail-on", opts->fail_on, "exit 14 when a finding is at or above this level (default error)")
      ->check(CLI::IsMember({"info", "warning", "error"}));
  table.push_back({cmd, [opts](Context& ctx) { return RunLint(ctx, *opts); }});
}

}  // namespace akv::cli
