// akvault show AKID [--reveal]
// Metadata and distribution history need no passphrase; with
// --passphrase-file the record is also verified (and its note shown);
// --reveal verifies, prints the secret and records a `reveal` audit entry.
#include <CLI/CLI.hpp>
#include <memory>

#include "cli/commands/commands.h"
#include "cli/commands/common.h"
#include "vault/encoding/display_text.h"
#include "vault/encoding/json_dump.h"

namespace akv::cli {
namespace {

struct ShowOptions {
  std::string akid;
  bool reveal = false;
};

nlohmann::json DistributionJson(const Distribution& d) {
  return {{"bundle_id", d.bundle_id}, {"akid", d.akid},        {"created", FormatUtc(d.created_at)},
          {"expires", FormatUtc(d.expires_at)}, {"mode", d.mode}, {"recipients", d.recipients},
          {"destination", d.destination}};
}

std::string DistributionLine(const Distribution& d) {
  std::string who = d.mode == "password" ? "password" : d.mode + " " + std::to_string(d.recipients.size()) + " recipient(s)";
  return DisplayText(FormatUtc(d.created_at) + "  bundle " + d.bundle_id.substr(0, 16) + "  " + who + "  -> " +
                     d.destination + "  (expires " + FormatUtc(d.expires_at) + ")");
}

// The key and its predecessors, newest first (bounded, in case of a cycle).
Result<std::vector<StoredKey>> Chain(Vault& vault, const StoredKey& key) {
  std::vector<StoredKey> chain{key};
  while (chain.back().meta.predecessor && chain.size() < 64) {
    AKV_ASSIGN_OR_RETURN(auto prev, vault.FindKey(*chain.back().meta.predecessor));
    if (!prev) break;
    chain.push_back(std::move(*prev));
  }
  return chain;
}

Status RunShow(Context& ctx, const ShowOptions& opts) {
  AKV_RETURN_IF_ERROR(ValidateAccessKeyId(opts.akid));
  const bool unlock = opts.reveal || !ctx.globals.passphrase_file.empty();
  AKV_ASSIGN_OR_RETURN(auto vault, ctx.OpenVault(unlock ? Vault::Access::kReadWrite : Vault::Access::kReadOnly));
  AKV_ASSIGN_OR_RETURN(auto found, vault->FindKey(opts.akid));
  if (!found) return Status::NotFound("no AccessKey " + opts.akid + " in the vault", "see `akvault list --all`");
  const StoredKey& key = *found;

  std::optional<RecordSecret> opened;
  if (unlock) {
    AKV_RETURN_IF_ERROR(ctx.UnlockVault(*vault));
    if (opts.reveal) {
      AKV_ASSIGN_OR_RETURN(opened, vault->RevealKey(opts.akid, "show"));
    } else {
      AKV_ASSIGN_OR_RETURN(opened, vault->OpenKeyRecord(key));
    }
  } else if (ctx.UnlockFromSession(*vault)) {
    // `akvault unlock`: verify the record at no cost.
    AKV_ASSIGN_OR_RETURN(opened, vault->OpenKeyRecord(key));
  }
  AKV_ASSIGN_OR_RETURN(std::vector<StoredKey> chain, Chain(*vault, key));
  std::vector<Distribution> history;
  for (const StoredKey& link : chain) {
    AKV_RETURN_IF_ERROR(vault->ForEachDistribution(link.meta.akid, [&](const Distribution& d) {
      history.push_back(d);
      return Status::Ok();
    }));
  }
  const Date today = ctx.clock.Today();
  const KeyMetadata& m = key.meta;

  if (ctx.globals.json) {
    nlohmann::json out = KeyJson(m);
    out["verified"] = opened.has_value();
    if (opened) out["note"] = opened->note;
    nlohmann::json dist = nlohmann::json::array();
    for (const Distribution& d : history) dist.push_back(DistributionJson(d));
    out["distributions"] = dist;
    std::string text = DumpJson(out);
    if (!opts.reveal) {
      ctx.io.out() << text << '\n';
      return Status::Ok();
    }
    // The secret is spliced in from secure memory; it is [A-Za-z0-9] only,
    // so it needs no JSON escaping.
    text.pop_back();
    ctx.io.out() << text << ",\"secret\":\"";
    AKV_RETURN_IF_ERROR(ctx.io.WriteSecret(opened->secret));
    ctx.io.out() << "\"}\n";
    return Status::Ok();
  }

  std::ostream& out = ctx.io.out();
  out << PadRight("AccessKey ID", 14) << DisplayText(m.akid) << '\n';
  out << PadRight("Owner", 14) << DisplayText(m.owner) << '\n';
  out << PadRight("App", 14) << DisplayText(m.app.value_or("- (personal key)")) << '\n';
  out << PadRight("Status", 14) << KeyStatusName(m.status)
      << (m.status_since ? " since " + m.status_since->ToString() : std::string()) << '\n';
  out << PadRight("Created", 14) << m.created.ToString() << '\n';
  out << PadRight("Rotate every", 14) << m.rotate_days << " days\n";
  if (m.status == KeyStatus::kActive) {
    const std::int64_t left = m.deadline() - today;
    out << PadRight("Deadline", 14) << m.deadline().ToString()
        << (left >= 0 ? " (" + std::to_string(left) + " days left)" : " (overdue by " + std::to_string(-left) + " days)")
        << '\n';
  } else if (m.status == KeyStatus::kSuperseded && m.due_date) {
    out << PadRight("Grace until", 14) << m.due_date->ToString() << " (then disable it in the console and retire it)\n";
  }
  if (m.predecessor) out << PadRight("Replaces", 14) << DisplayText(*m.predecessor) << '\n';
  if (m.successor) out << PadRight("Replaced by", 14) << DisplayText(*m.successor) << '\n';
  if (m.main_account) out << PadRight("Main account", 14) << "yes (never use the main account's AccessKey)\n";
  if (opened) {
    if (!opened->note.empty()) out << PadRight("Note", 14) << DisplayText(opened->note) << '\n';
    out << PadRight("Verified", 14) << "yes: the record is authentic\n";
  } else {
    out << PadRight("Verified", 14) << "not checked (pass --passphrase-file, or run akvault check)\n";
  }
  if (opts.reveal) {
    out << PadRight("Secret", 14);
    AKV_RETURN_IF_ERROR(ctx.io.WriteSecret(opened->secret));
    out << '\n';
  }
  out << "Distribution history" << (chain.size() > 1 ? " (this key and the keys it replaced):" : ":") << '\n';
  if (history.empty()) out << "  never exported\n";
  for (const Distribution& d : history) out << "  " << DisplayText(d.akid) << "  " << DistributionLine(d) << '\n';
  return Status::Ok();
}

}  // namespace

void AddShowCommand(CLI::App& root, CommandTable& table) {
  auto opts = std::make_shared<ShowOptions>();
  CLI::App* cmd = root.add_subcommand("show", "a key's record, rotation chain and distribution history");
  cmd->add_option("akid", opts->akid, "the AccessKey ID")->required();
  cmd->add_flag("--reveal", opts->reveal, "also print the secret (needs the passphrase, or `akvault unlock`; logged)");
  table.push_back({cmd, [opts](Context& ctx) { return RunShow(ctx, *opts); }});
}

}  // namespace akv::cli
