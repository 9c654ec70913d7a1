// akvault policy AKID [--allow CIDR|IP|vpc-ID|vpc-ID:CIDR]... [--clear] [--json]
// A key's network policy: from where it may be used (the RAM AccessKey
// network access restriction). --clear empties it first, each --allow adds
// to it; with neither, it is printed. --json prints the AccessKeyPolicy
// document that IMS SetAccessKeyPolicy takes. Stored authenticated (a MAC
// bound to the key, summed into the vault state), so reading it unlocks
// the vault too.
#include <CLI/CLI.hpp>
#include <memory>

#include "cli/commands/commands.h"
#include "cli/commands/common.h"
#include "vault/trail/network_policy.h"

namespace akv::cli {
namespace {

struct PolicyOptions {
  std::string akid;
  std::vector<std::string> allow;
  bool clear = false;
};

void Print(Context& ctx, const std::string& akid, const trail::NetworkPolicy& policy) {
  if (ctx.globals.json) {
    ctx.io.out() << policy.ImsJson() << '\n';
    return;
  }
  if (policy.empty()) {
    ctx.io.out() << akid << ": no network policy (usable from anywhere)\n";
    return;
  }
  ctx.io.out() << akid << " may be used from:\n";
  for (const std::string& entry : policy.Entries()) {
    const bool vpc = entry.rfind("vpc-", 0) == 0;
    ctx.io.out() << "  " << entry << (vpc ? "  (through a VPC endpoint)" : "  (over the internet)") << '\n';
  }
}

Status RunPolicy(Context& ctx, const PolicyOptions& opts) {
  // Parse every --allow before asking for the passphrase: a typo costs no KDF.
  trail::NetworkPolicy added;
  for (const std::string& entry : opts.allow) AKV_RETURN_IF_ERROR(trail::AddPolicyEntry(added, entry));
  AKV_ASSIGN_OR_RETURN(VaultAndKey vk, UnlockVaultForKey(ctx, opts.akid));
  AKV_ASSIGN_OR_RETURN(auto stored, vk.vault->VerifiedKeyPolicy(opts.akid));
  trail::NetworkPolicy policy;
  if (stored) {
    AKV_ASSIGN_OR_RETURN(policy, trail::ParseStoredPolicy(*stored, opts.akid));
  }
  if (!opts.clear && opts.allow.empty()) {
    Print(ctx, opts.akid, policy);
    return Status::Ok();
  }
  if (opts.clear) policy = trail::NetworkPolicy();
  for (const std::string& entry : opts.allow) AKV_RETURN_IF_ERROR(trail::AddPolicyEntry(policy, entry));
  AKV_RETURN_IF_ERROR(trail::Normalize(policy));
  const std::optional<std::string> text =
      policy.empty() ? std::nullopt : std::optional<std::string>(policy.Canonical());
  if (text != stored) AKV_RETURN_IF_ERROR(vk.vault->SetKeyPolicy(opts.akid, text));
  Print(ctx, opts.akid, policy);
  if (!ctx.globals.json) {
    ctx.Note("apply it in the cloud: aliyun ims SetAccessKeyPolicy --UserAccessKeyId " + opts.akid +
             " --AccessKeyPolicy \"$(akvault policy " + opts.akid + " --json)\"");
  }
  return Status::Ok();
}

}  // namespace

void AddPolicyCommand(CLI::App& root, CommandTable& table) {
  auto opts = std::make_shared<PolicyOptions>();
  CLI::App* cmd =
      root.add_subcommand("policy", "a key's network policy: where it may be used from (IMS SetAccessKeyPolicy)");
  cmd->add_option("akid", opts->akid, "the AccessKey ID")->required();
  cmd->add_option("--allow", opts->allow,
                  "allow calls from an IP or CIDR (internet), vpc-ID (any address in it) or vpc-ID:CIDR (repeatable)");
  cmd->add_flag("--clear", opts->clear, "remove every entry first (alone: no policy)");
  table.push_back({cmd, [opts](Context& ctx) { return RunPolicy(ctx, *opts); }});
}

}  // namespace akv::cli
