// akvault import FILE --owner NAME [--app NAME] [--created YYYY-MM-DD] [--rotate-days N]
// The CSV the console offers when a key is created. All rows or none; one
// unlock, one transaction.
#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <thread>

#include "cli/commands/commands.h"
#include "cli/commands/common.h"
#include "vault/encoding/display_text.h"
#include "vault/encoding/json_dump.h"
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
  // into secure memory).
  AKV_ASSIGN_OR_RETURN(SecretBuffer content, ReadSecretFile(opts.file, "CSV file", kMaxCsvBytes));
  const std::string source = BaseName(opts.file);

  // Parsing, validating and sorting the rows run on a second core: while
  // Argon2id unlocks the vault when the passphrase comes from a file, or
  // before the prompt otherwise, so that a malformed CSV is reported before
  // anyone types a passphrase. The rows are views into `content`: nothing
  // per key is copied. Either way a CSV error is reported in preference to
  // any error of the vault or the passphrase, as if it had been checked first.
  std::optional<Result<CsvParseResult>> parsed;
  std::vector<ImportRow> keys;
  std::optional<Result<ImportOrder>> order;
  std::jthread prepare([&] {
    parsed = ParseConsoleCsv(content, source);
    if (!parsed->ok()) return;
    keys.reserve(parsed->value().rows.size());
    for (const CsvKeyRow& row : parsed->value().rows) keys.push_back(ImportRow{row.akid, row.secret});
    order = OrderImportRows(keys, source);
  });
  auto prepared = [&]() -> Status {
    if (prepare.joinable()) {
      prepare.join();
      if (parsed->ok()) {
        for (const std::string& warning : parsed->value().warnings) ctx.Warn(warning);
      }
    }
    if (!parsed->ok()) return parsed->status();
    return order->status();
  };
  if (ctx.globals.passphrase_file.empty()) AKV_RETURN_IF_ERROR(prepared());

  Result<std::unique_ptr<Vault>> unlocked = ctx.OpenUnlockedVault();
  AKV_RETURN_IF_ERROR(prepared());
  AKV_ASSIGN_OR_RETURN(auto vault, std::move(unlocked));
  if (!rotate_days) {
    AKV_ASSIGN_OR_RETURN(rotate_days, DefaultRotateDays(*vault));
  }
  // One set of metadata for every key.
  KeyMetadata shared;
  shared.owner = opts.owner;
  shared.app = app;
  shared.created = created;
  shared.rotate_days = *rotate_days;
  const bool show_progress = ctx.io.StderrIsTerminal() && keys.size() >= 1000 && !ctx.globals.json;
  ProgressFn progress;
  if (show_progress) {
    progress = [&](std::size_t done, std::size_t total) {
      ctx.io.err() << "\rakvault: importing " << done << "/" << total << " keys" << (done == total ? "\n" : "")
                   << std::flush;
    };
  }
  AKV_RETURN_IF_ERROR(vault->ImportKeys(shared, keys, source, progress, &order->value()));
  WarnIfCrowded(ctx, *vault, opts.owner, app);
  if (ctx.globals.json) {
    ctx.io.out() << DumpJson(nlohmann::json{{"imported", keys.size()},
                                            {"owner", opts.owner},
                                            {"app", app ? nlohmann::json(*app) : nlohmann::json(nullptr)}})
                 << '\n';
  } else {
    ctx.io.out() << "Imported " << keys.size() << " key(s) for owner " << DisplayText(opts.owner)
                 << (app ? ", app " + DisplayText(*app) : std::string()) << ", rotate by "
                 << created.AddDays(*rotate_days).ToString() << '\n';
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
