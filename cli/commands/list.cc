// akvault list [--owner NAME] [--app NAME] [--all]
// Metadata only: needs no passphrase, streams rows (flat memory).
#include <CLI/CLI.hpp>
#include <memory>

#include "cli/commands/commands.h"
#include "cli/commands/common.h"

namespace akv::cli {
namespace {

struct ListOptions {
  std::string owner;
  std::string app;
  bool all = false;
};

Status RunList(Context& ctx, const ListOptions& opts) {
  KeyFilter filter;
  if (!opts.owner.empty()) filter.owner = opts.owner;
  if (!opts.app.empty()) filter.app = opts.app;
  filter.include_retired = opts.all;
  AKV_ASSIGN_OR_RETURN(auto vault, ctx.OpenVault(Vault::Access::kReadOnly));
  if (ctx.globals.json) {
    JsonArrayWriter writer(ctx.io.out());
    return vault->ForEachKey(filter, [&](const StoredKey& key) {
      writer.Write(KeyJson(key.meta));
      return ctx.io.out() ? Status::Ok() : Status::Io("cannot write to standard output");
    });
  }
  // Text: stream rows too, with fixed column widths wide enough for console IDs.
  std::ostream& out = ctx.io.out();
  auto row = [](const std::string& akid, const std::string& owner, const std::string& app, const std::string& status,
                const std::string& created, const std::string& due) {
    return PadRight(akid, 26) + PadRight(owner, 16) + PadRight(app, 18) + PadRight(status, 11) + PadRight(created, 11) +
           due + "\n";
  };
  out << row("ACCESSKEY ID", "OWNER", "APP", "STATUS", "CREATED", "DUE");
  std::size_t count = 0;
  AKV_RETURN_IF_ERROR(vault->ForEachKey(filter, [&](const StoredKey& key) {
    const KeyMetadata& m = key.meta;
    out << row(m.akid, m.owner, m.app.value_or("-"), std::string(KeyStatusName(m.status)), m.created.ToString(),
               m.due_date ? m.due_date->ToString() : "-");
    ++count;
    return out ? Status::Ok() : Status::Io("cannot write to standard output");
  }));
  if (count == 0) ctx.Note(opts.all ? "no keys" : "no keys (retired keys are shown with --all)");
  return Status::Ok();
}

}  // namespace

void AddListCommand(CLI::App& root, CommandTable& table) {
  auto opts = std::make_shared<ListOptions>();
  CLI::App* cmd = root.add_subcommand("list", "one row per key: id, owner, app, status, created, due (no passphrase)");
  cmd->add_option("--owner", opts->owner, "only this owner's keys");
  cmd->add_option("--app", opts->app, "only this application's keys");
  cmd->add_flag("--all", opts->all, "include retired keys");
  table.push_back({cmd, [opts](Context& ctx) { return RunList(ctx, *opts); }});
}

}  // namespace akv::cli
