// akvault trail FILE... [--since DAY] [--until DAY] [--instances FILE]...
//                       [--html FILE [--force]] [--json]
// The ActionTrail compliance report: reads events offline (any layout,
// gzip, folders, -), compares every AccessKey's calls with the vault (owner,
// app, status, network policy) and the account's addresses, and lists the
// findings with their fix. Exit E_COMPLIANCE (16) on a finding at error
// level. Like `lint`, it reads the vault's metadata and policies without a
// passphrase (and says so); with --verify or --passphrase-file it unlocks
// the vault and verifies every record and policy before using it. Without
// the unlock, the whole run stays far under 64 MB (Argon2id alone takes
// 64 MiB or more).
#include <CLI/CLI.hpp>
#include <memory>
#include <sstream>

#include "cli/commands/commands.h"
#include "cli/commands/common.h"
#include "vault/fs/secure_file.h"
#include "vault/trail/analysis.h"
#include "vault/trail/event_reader.h"
#include "vault/trail/input.h"
#include "vault/trail/inventory.h"
#include "vault/trail/report_output.h"

namespace akv::cli {
namespace {

struct TrailOptions {
  std::vector<std::string> inputs;
  std::string since, until;
  std::vector<std::string> instances;
  std::string html;
  bool force = false;
  bool verify = false;
};

Result<std::optional<Date>> DayOption(const std::string& text, const char* option) {
  if (text.empty()) return std::optional<Date>();
  auto day = Date::Parse(text);
  if (!day) return Status::Usage(std::string(option) + " must be a day, YYYY-MM-DD (UTC)");
  return std::optional<Date>(*day);
}

Result<std::unordered_map<std::string, trail::VaultKey>> LoadVaultKeys(Vault& vault, bool verify) {
  std::unordered_map<std::string, trail::VaultKey> keys;
  KeyFilter all;
  all.include_retired = true;
  AKV_RETURN_IF_ERROR(vault.ForEachKey(all, [&](const StoredKey& key) -> Status {
    // The metadata trail relies on (status, dates, main account) verifies
    // with the record.
    if (verify) AKV_RETURN_IF_ERROR(vault.OpenKeyRecord(key).status());
    keys[key.meta.akid].meta = key.meta;
    return Status::Ok();
  }));
  auto attach = [&](const std::string& akid, const std::string& text) -> Status {
    AKV_ASSIGN_OR_RETURN(trail::NetworkPolicy policy, trail::ParseStoredPolicy(text, akid));
    auto it = keys.find(akid);
    if (it != keys.end()) it->second.policy = std::move(policy);
    return Status::Ok();
  };
  AKV_RETURN_IF_ERROR(verify ? vault.ForEachKeyPolicy(attach) : vault.ForEachStoredKeyPolicy(attach));
  return keys;
}

Status RunTrail(Context& ctx, const TrailOptions& opts) {
  AKV_ASSIGN_OR_RETURN(auto since, DayOption(opts.since, "--since"));
  AKV_ASSIGN_OR_RETURN(auto until, DayOption(opts.until, "--until"));
  if (since && until && *until < *since) return Status::Usage("--until is before --since");
  if (!opts.html.empty()) AKV_RETURN_IF_ERROR(CheckNotVaultFile(ctx, opts.html, "--html"));
  AKV_ASSIGN_OR_RETURN(std::vector<std::string> files, trail::ExpandInputs(opts.inputs));

  trail::Inventory inventory;
  for (const std::string& path : opts.instances) {
    AKV_ASSIGN_OR_RETURN(auto source, trail::OpenInput(path));
    AKV_RETURN_IF_ERROR(inventory.Load(*source, path));
  }

  const bool verify = opts.verify || !ctx.globals.passphrase_file.empty();
  AKV_ASSIGN_OR_RETURN(auto vault, ctx.OpenVault(verify ? Vault::Access::kReadWrite : Vault::Access::kReadOnly));
  if (verify) {
    AKV_ASSIGN_OR_RETURN(SecretBuffer passphrase, ctx.MasterPassphrase());
    AKV_RETURN_IF_ERROR(vault->Unlock(passphrase));
  }
  AKV_ASSIGN_OR_RETURN(auto vault_keys, LoadVaultKeys(*vault, verify));

  trail::Window window;
  if (since) window.since = since->ToUnixSeconds();
  if (until) window.until = until->AddDays(1).ToUnixSeconds();  // --until is inclusive
  trail::Aggregator agg(window, &vault_keys);
  trail::InputSummary summary;
  const trail::EventSink sink = [&](const trail::Event& e) { agg.Observe(e); };
  for (const std::string& path : files) {
    AKV_ASSIGN_OR_RETURN(auto source, trail::OpenInput(path));
    trail::ReadStats stats;
    const std::string name = path == "-" ? "standard input" : path;
    AKV_RETURN_IF_ERROR(trail::ReadEvents(*source, name, sink, stats));
    ++summary.files;
    summary.bytes += stats.bytes;
    summary.records.events += stats.records.events;
    summary.records.malformed += stats.records.malformed;
    summary.records.not_event += stats.records.not_event;
    summary.oversized += stats.oversized;
    ++summary.layouts[trail::LayoutName(stats.layout)];
    if (stats.records.malformed || stats.oversized) {
      ctx.Warn(name + ": skipped " + std::to_string(stats.records.malformed) + " malformed record(s) and " +
               std::to_string(stats.oversized) + " record(s) over 16 MB");
    }
  }
  if (summary.records.events == 0) ctx.Warn("no ActionTrail event found in the input");

  const trail::Report report = trail::BuildReport(agg, vault_keys, inventory, !opts.instances.empty());
  trail::ReportContext rc;
  rc.agg = &agg;
  rc.report = &report;
  rc.input = &summary;
  if (since) rc.since = since->ToString();
  if (until) rc.until = until->ToString();
  rc.inventory_addresses = inventory.addresses();
  rc.vault_verified = verify;

  if (!opts.html.empty()) {
    std::ostringstream page;
    trail::WriteHtml(page, rc);
    const std::string text = page.str();
    WriteOptions wo;
    wo.replace = opts.force;
    Status written = WriteFileAtomic(opts.html, AsBytes(text), wo);
    if (written.code() == Code::kConflict) written = written.WithHint("give --force to replace an existing report");
    AKV_RETURN_IF_ERROR(written);
  }
  if (ctx.globals.json) {
    trail::WriteJson(ctx.io.out(), rc);
  } else {
    trail::WriteText(ctx.io.out(), rc);
  }
  if (!ctx.io.out()) return Status::Io("cannot write to standard output");
  std::size_t errors = 0;
  for (const auto& f : report.findings) errors += f.severity == Severity::kError;
  if (errors > 0) return Status::Compliance("");
  return Status::Ok();
}

}  // namespace

void AddTrailCommand(CLI::App& root, CommandTable& table) {
  auto opts = std::make_shared<TrailOptions>();
  CLI::App* cmd = root.add_subcommand(
      "trail", "ActionTrail compliance report per key: who calls from where, and what to fix (exit 16 on errors)");
  cmd->add_option("inputs", opts->inputs,
                  "event files or folders (JSON lines, arrays, LookupEvents pages, SLS exports, .gz), or - for stdin")
      ->required();
  cmd->add_option("--since", opts->since, "first day to examine, YYYY-MM-DD (UTC)")->check(NotEmpty());
  cmd->add_option("--until", opts->until, "last day to examine, YYYY-MM-DD (UTC, inclusive)")->check(NotEmpty());
  cmd->add_option("--instances", opts->instances,
                  "saved DescribeInstances, DescribeEipAddresses or DescribeSnatTableEntries JSON (repeatable)");
  cmd->add_option("--html", opts->html, "also write a self-contained HTML report to this file (mode 0600)");
  cmd->add_flag("--force", opts->force, "replace an existing --html file");
  cmd->add_flag("--verify", opts->verify,
                "unlock the vault and verify every record and network policy first (implied by --passphrase-file)");
  table.push_back({cmd, [opts](Context& ctx) { return RunTrail(ctx, *opts); }});
}

}  // namespace akv::cli
