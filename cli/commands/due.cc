// akvault due [--within DAYS] [--owner NAME] [--app NAME]
// Keys past their rotation deadline or within DAYS of it, and superseded
// keys whose grace period is over, most overdue first. Metadata only: no
// passphrase, so cron can run it. Exit 0 when nothing is listed, E_DUE (13)
// otherwise: `akvault due --within 14 || notify`.
#include <CLI/CLI.hpp>
#include <memory>

#include "cli/commands/commands.h"
#include "cli/commands/common.h"
#include "cli/listing_format.h"
#include "vault/encoding/json_writer.h"
#include "vault/rotation/policy.h"

namespace akv::cli {
namespace {

struct DueOptions {
  std::string within = "0";
  std::string owner;
  std::string app;
};

std::string DaysText(std::int64_t days_left) {
  if (days_left == 0) return "today";
  if (days_left < 0) return "overdue " + std::to_string(-days_left) + "d";
  return "in " + std::to_string(days_left) + "d";
}

Status RunDue(Context& ctx, const DueOptions& opts) {
  AKV_ASSIGN_OR_RETURN(int within, ParseDayCount(opts.within, "--within", 0, 36500));
  KeyFilter filter;
  if (!opts.owner.empty()) filter.owner = opts.owner;
  if (!opts.app.empty()) filter.app = opts.app;
  AKV_ASSIGN_OR_RETURN(auto vault, ctx.OpenVault(Vault::Access::kReadOnly));
  const Date today = ctx.clock.Today();
  std::size_t listed = 0;
  std::ostream& out = ctx.io.out();
  std::optional<JsonArrayStream> json;
  if (ctx.globals.json) json.emplace(out);
  std::string line;  // one text row, reused: rows go out without per-field stream calls
  AKV_RETURN_IF_ERROR(vault->ForEachDueMetadata(today.AddDays(within), filter, [&](const KeyMetadata& meta) {
    std::optional<DueItem> item = ClassifyDue(meta, today, within);
    if (!item) return Status::Ok();
    const KeyMetadata& m = item->meta;
    if (json) {
      AppendDueJson(json->Next(), *item);
    } else {
      line.clear();
      if (listed == 0) {
        AppendPadded(line, "ACCESSKEY ID", 26);
        AppendPadded(line, "OWNER", 16);
        AppendPadded(line, "APP", 18);
        AppendPadded(line, "DUE", 11);
        AppendPadded(line, "WHEN", 13);
        line += "ACTION\n";
      }
      AppendPadded(line, m.akid, 26);
      AppendPadded(line, m.owner, 16);
      AppendPadded(line, m.app ? std::string_view(*m.app) : "-", 18);
      AppendPadded(line, item->due.ToString(), 11);
      AppendPadded(line, DaysText(item->days_left), 13);
      line += item->action;
      line += '\n';
      out.write(line.data(), static_cast<std::streamsize>(line.size()));
    }
    ++listed;
    return out ? Status::Ok() : Status::Io("cannot write to standard output");
  }));
  if (json) json->Close();
  if (listed == 0) {
    if (!ctx.globals.json) {
      out << "No key is due" << (within > 0 ? " within " + std::to_string(within) + " days" : std::string()) << ".\n";
    }
    return Status::Ok();
  }
  // Reported above; the status only sets the exit code (no error line).
  return Status::Due("");
}

}  // namespace

void AddDueCommand(CLI::App& root, CommandTable& table) {
  auto opts = std::make_shared<DueOptions>();
  CLI::App* cmd = root.add_subcommand(
      "due", "keys due for rotation (no passphrase; exit 13 when any is listed, for cron and CI)");
  cmd->add_option("--within", opts->within, "also list keys due within this many days (default 0)");
  cmd->add_option("--owner", opts->owner, "only this owner's keys");
  cmd->add_option("--app", opts->app, "only this application's keys");
  table.push_back({cmd, [opts](Context& ctx) { return RunDue(ctx, *opts); }});
}

}  // namespace akv::cli
