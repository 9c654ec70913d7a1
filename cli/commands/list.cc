// akvault list [--owner NAME] [--app NAME] [--all]
// Metadata only: needs no passphrase, streams rows (flat memory).
#include <CLI/CLI.hpp>
#include <memory>

#include "cli/commands/commands.h"
#include "cli/commands/common.h"
#include "cli/listing_format.h"
#include "vault/encoding/json_writer.h"

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
  std::ostream& out = ctx.io.out();
  if (ctx.globals.json) {
    JsonArrayStream json(out);
    AKV_RETURN_IF_ERROR(vault->ForEachKeyMetadata(filter, [&](const KeyMetadata& m) {
      AppendKeyJson(json.Next(), m);
      return out ? Status::Ok() : Status::Io("cannot write to standard output");
    }));
    json.Close();
    return out ? Status::Ok() : Status::Io("cannot write to standard output");
  }
  // Text: stream rows too, with fixed column widths wide enough for console IDs.
  std::string line;  // one row, reused
  auto row = [&](std::string_view akid, std::string_view owner, std::string_view app, std::string_view status,
                 std::string_view created, std::string_view due) {
    line.clear();
    AppendPadded(line, akid, 26);
    AppendPadded(line, owner, 16);
    AppendPadded(line, app, 18);
    AppendPadded(line, status, 11);
    AppendPadded(line, created, 11);
    line += due;
    line += '\n';
    out.write(line.data(), static_cast<std::streamsize>(line.size()));
  };
  row("ACCESSKEY ID", "OWNER", "APP", "STATUS", "CREATED", "DUE");
  std::size_t count = 0;
  AKV_RETURN_IF_ERROR(vault->ForEachKeyMetadata(filter, [&](const KeyMetadata& m) {
    row(m.akid, m.owner, m.app ? std::string_view(*m.app) : "-", KeyStatusName(m.status), m.created.ToString(),
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
