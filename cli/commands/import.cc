// akvault import FILE --owner NAME [--app NAME] [--created YYYY-MM-DD] [--rotate-days N]
// The CSV the console offers when a key is created. All rows or none; one
// unlock, one transaction.
#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <thread>

#include "cli/commands/commands.h"
#include "cli/commands/common.h"
#include "vault/fs/secure_file.h"
#include "vault/import/csv.h"
#include "vault/rotation/policy.h"

namespace akv::cli {
namespace {

// A console CSV of 100,000 keys is about 6 MB; this leaves ample room.
constexpr std::size_t kMaxCsvBytes = 64u << 20;

struct ImportOptions {
  std::string file;
  std::string owner;
  std::string app;
  std::string created;
  std::string rotate_days;
};

Status RunImport(Context& ctx, const ImportOptions& opts) {
  const std::optional<std::string> app = opts.app.empty() ? std::nullopt : std::optional<std::string>(opts.app);
  AKV_RETURN_IF_ERROR(CheckOwnerAndApp(opts.owner, app));
  AKV_ASSIGN_OR_RETURN(KeyDates dates, ParseKeyDates(opts.created, opts.rotate_days, ctx.clock.Today()));
  const Date created = dates.created;
  std::optional<int> rotate_days = dates.rotate_days;

  // The CSV holds secrets in clear: read it like any secret input (owner-only,
  // into secure memory) and parse it before asking for the passphrase.
  AKV_ASSIGN_OR_RETURN(SecretBuffer content, ReadSecretFile(opts.file, "CSV file", kMaxCsvBytes));
  AKV_ASSIGN_OR_RETURN(CsvParseResult parsed, ParseConsoleCsv(content, BaseName(opts.file)));
  for (const std::string& warning : parsed.warnings) ctx.Warn(warning);

  // Views into `content` for the rows: nothing per key is copied but the
  // two views. Their insertion order is sorted on a second core while the
  // passphrase is read and Argon2id runs (the thread is joined before
  // ImportKeys, or when this function returns early).
  std::vector<ImportRow> keys;
  keys.reserve(parsed.rows.size());
  for (const CsvKeyRow& row : parsed.rows) keys.push_back(ImportRow{row.akid, row.secret});
  std::optional<Result<ImportOrder>> order;
  std::jthread order_rows([&] { order = OrderImportRows(keys, BaseName(opts.file)); });

  AKV_ASSIGN_OR_RETURN(auto vault, ctx.OpenUnlockedVault());
  if (!rotate_days) {
    AKV_ASSIGN_OR_RETURN(rotate_days, DefaultRotateDays(*vault));
  }
  // One set of metadata for every key.
  KeyMetadata shared;
  shared.owner = opts.owner;
  shared.app = app;
  shared.created = created;
  shared.rotate_days = *rotate_days;
  order_rows.join();
  AKV_RETURN_IF_ERROR(order->status());
  const bool show_progress = ctx.io.StderrIsTerminal() && keys.size() >= 1000 && !ctx.globals.json;
  ProgressFn progress;
  if (show_progress) {
    progress = [&](std::size_t done, std::size_t total) {
      ctx.io.err() << "\rakvault: importing " << done << "/" << total << " keys" << (done == total ? "\n" : "")
                   << std::flush;
    };
  }
  AKV_RETURN_IF_ERROR(vault->ImportKeys(shared, keys, BaseName(opts.file), progress, &order->value()));
  if (ctx.globals.json) {
    ctx.io.out() << nlohmann::json{{"imported", keys.size()}, {"owner", opts.owner},
                                   {"app", app ? nlohmann::json(*app) : nlohmann::json(nullptr)}}
                        .dump()
                 << '\n';
  } else {
    ctx.io.out() << "Imported " << keys.size() << " key(s) for owner " << opts.owner
                 << (app ? ", app " + *app : std::string()) << ", rotate by " << created.AddDays(*rotate_days).ToString()
                 << '\n';
  }
  ctx.Note("the CSV still holds the secret(s) in clear: delete it now (shred -u " + opts.file + ")");
  return Status::Ok();
}

}  // namespace

void AddImportCommand(CLI::App& root, CommandTable& table) {
  auto opts = std::make_shared<ImportOptions>();
  CLI::App* cmd = root.add_subcommand("import", "import the console's AccessKey CSV (all rows or none)");
  cmd->add_option("file", opts->file, "the CSV file (header `AccessKey ID,AccessKey Secret`; owner-only)")->required();
  cmd->add_option("--owner", opts->owner, "the person who answers for these keys")->required();
  cmd->add_option("--app", opts->app, "the application that uses them (none: personal keys)");
  cmd->add_option("--created", opts->created, "creation day in the console, YYYY-MM-DD (UTC; default today)")
      ->check(NotEmpty());
  cmd->add_option("--rotate-days", opts->rotate_days, "rotation period in days (default: the vault's, normally 90)")
      ->check(NotEmpty());
  table.push_back({cmd, [opts](Context& ctx) { return RunImport(ctx, *opts); }});
}

}  // namespace akv::cli
