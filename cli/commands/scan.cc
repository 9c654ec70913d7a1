// akvault scan [PATH...] [--git] [--staged] [--leak-report FILE]... [--json | --sarif] [--no-vault]
// Finds AccessKeys in files, git history, the git index or Security Center's
// leak reports, and says whose they are. Needs no passphrase: the vault's
// secrets are matched by fingerprint (docs/design.md, "Leak scan").
#include <fcntl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <memory>
#include <thread>

#include "cli/commands/commands.h"
#include "cli/scan_git_hook.h"
#include "cli/scan_output.h"
#include "vault/scan/detector.h"
#include "vault/scan/findings.h"
#include "vault/scan/leak_report.h"
#include "vault/scan/tree_scan.h"

namespace akv::cli {
namespace {

struct ScanOptions {
  std::vector<std::string> paths;
  bool git = false;
  bool staged = false;
  bool sarif = false;
  bool no_vault = false;
  std::vector<std::string> leak_reports;
};

// A leak report is at most this big (a page of 100 entries is ~40 KB).
constexpr std::size_t kMaxReportBytes = 64 << 20;

Result<std::string> ReadAll(const std::string& name) {
  const bool is_stdin = name == "-";
  const int fd = is_stdin ? 0 : ::open(name.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return Status::FromErrno(errno, "cannot read leak report", name);
  std::string text;
  char buf[65536];
  for (;;) {
    const ssize_t got = ::read(fd, buf, sizeof buf);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      const int err = errno;
      if (!is_stdin) ::close(fd);
      return Status::FromErrno(err, "reading leak report", name);
    }
    if (got == 0) break;
    text.append(buf, static_cast<std::size_t>(got));
    if (text.size() > kMaxReportBytes) {
      if (!is_stdin) ::close(fd);
      return Status::Format("leak report " + name + " is larger than 64 MiB", "give one saved response per file");
    }
  }
  if (!is_stdin) ::close(fd);
  return text;
}

Result<scan::ScanSummary> ScanInputs(Context& ctx, const ScanOptions& opts, const scan::Detector& detector,
                                     const scan::Matcher& matcher, ScanTotals& totals) {
  const unsigned threads = std::max(1u, std::min(2u, std::thread::hardware_concurrency()));
  std::vector<std::string> paths = opts.paths.empty() ? std::vector<std::string>{"."} : opts.paths;
  if (opts.git || opts.staged) {
    if (paths.size() != 1) return Status::Usage("--git and --staged take one repository folder");
    totals.what = opts.git ? "git blobs" : "staged files";
    const GitScanners* git = RegisteredGitScanners();
    if (git == nullptr) return Status::Internal("scan --git reached a binary without libgit2");
    return opts.git ? git->history(paths[0], detector, matcher, threads) : git->index(paths[0], detector, matcher);
  }
  totals.what = "files";
  if (paths.size() == 1 && paths[0] == "-") {
    return scan::ScanStreamInput(
        [](std::span<std::uint8_t> out) -> Result<std::size_t> {
          for (;;) {
            const ssize_t got = ::read(0, out.data(), out.size());
            if (got < 0 && errno == EINTR) continue;
            if (got < 0) return Status::FromErrno(errno, "reading", "standard input");
            return static_cast<std::size_t>(got);
          }
        },
        "-", detector, matcher);
  }
  for (const std::string& p : paths) {
    if (p == "-") return Status::Usage("`-` (standard input) cannot be mixed with paths");
  }
  (void)ctx;
  return scan::ScanPaths(paths, detector, matcher, {threads});
}

Status RunScan(Context& ctx, const ScanOptions& opts) {
  if (opts.sarif && ctx.globals.json) return Status::Usage("give --json or --sarif, not both");
  if (opts.git && opts.staged) return Status::Usage("give --git or --staged, not both");
  // The static akvault has no libgit2: akvault-git runs the same command.
  if ((opts.git || opts.staged) && RegisteredGitScanners() == nullptr) return ExecGitHelper();
  if (!opts.leak_reports.empty() && (opts.git || opts.staged || !opts.paths.empty())) {
    return Status::Usage("--leak-report reads Security Center's reports instead of files; give no PATH with it");
  }
  // The vault, for metadata and fingerprints only: no passphrase.
  std::unique_ptr<Vault> vault;
  scan::ScanIndex index;
  if (!opts.no_vault) {
    auto opened = ctx.OpenVault(Vault::Access::kReadOnly);
    if (opened.ok()) {
      vault = std::move(*opened);
      AKV_ASSIGN_OR_RETURN(index, vault->LoadScanIndex());
      if (index.keys_without_fingerprint > 0) {
        ctx.Warn(std::to_string(index.keys_without_fingerprint) +
                 " keys of the vault have no fingerprint yet, so their secrets are not looked for; any command "
                 "that unlocks the vault (e.g. `akvault check`) adds them");
      }
    } else if (opened.status().code() == Code::kNotFound) {
      ctx.Note("no vault at " + ctx.VaultPath() + ": every key found is reported as unknown");
    } else {
      return opened.status();
    }
  }
  const scan::Matcher matcher = index.key.empty() ? scan::Matcher() : scan::Matcher(index);

  std::vector<scan::Finding> findings;
  ScanTotals totals;
  if (!opts.leak_reports.empty()) {
    std::vector<scan::LeakRecord> records;
    for (const std::string& file : opts.leak_reports) {
      AKV_ASSIGN_OR_RETURN(std::string text, ReadAll(file));
      AKV_ASSIGN_OR_RETURN(auto parsed, scan::ParseLeakReport(text, file == "-" ? "standard input" : file));
      std::move(parsed.begin(), parsed.end(), std::back_inserter(records));
    }
    totals.files = records.size();
    totals.what = "leak records";
    AKV_ASSIGN_OR_RETURN(findings, scan::ExplainLeaks(records, vault.get()));
  } else {
    AKV_ASSIGN_OR_RETURN(auto detector, scan::Detector::Create({matcher.wants_secret_tokens()}));
    AKV_ASSIGN_OR_RETURN(scan::ScanSummary summary, ScanInputs(ctx, opts, *detector, matcher, totals));
    for (const std::string& warning : summary.warnings) ctx.Warn(PrintablePath(warning));
    totals.files = summary.files;
    totals.bytes = summary.bytes;
    AKV_ASSIGN_OR_RETURN(findings, scan::ExplainHits(std::move(summary.hits), vault.get()));
  }
  std::ostream& out = ctx.io.out();
  if (opts.sarif) {
    WriteScanSarif(out, findings);
  } else if (ctx.globals.json) {
    WriteScanJson(out, findings);
  } else {
    WriteScanHuman(out, findings, totals);
  }
  out.flush();
  if (!out) return Status::Io("cannot write to standard output");
  // Reported above; the status only sets the exit code.
  return findings.empty() ? Status::Ok() : Status::Leak("");
}

}  // namespace

void AddScanCommand(CLI::App& root, CommandTable& table) {
  auto opts = std::make_shared<ScanOptions>();
  CLI::App* cmd = root.add_subcommand(
      "scan",
      "find AccessKeys in files, git history or Security Center leak reports (no passphrase; exit 15 "
      "when any is found)");
  cmd->add_option("path", opts->paths, "files or folders (default .); - for standard input");
  cmd->add_flag("--git", opts->git, "scan every blob of the repository's history (all refs)");
  cmd->add_flag("--staged", opts->staged, "scan what `git commit` would commit now (for a pre-commit hook)");
  cmd->add_option("--leak-report", opts->leak_reports,
                  "saved DescribeAccesskeyLeakList / DescribeAccessKeyLeakDetail response (repeatable; - for stdin)");
  cmd->add_flag("--sarif", opts->sarif, "SARIF 2.1.0 output for code-scanning services");
  cmd->add_flag("--no-vault", opts->no_vault, "do not read the vault: report every key as unknown");
  table.push_back({cmd, [opts](Context& ctx) { return RunScan(ctx, *opts); }});
}

}  // namespace akv::cli
