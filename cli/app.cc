#include "cli/app.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <sstream>

#include "cli/commands/commands.h"
#include "cli/process.h"

namespace akv::cli {
namespace {

constexpr const char* kVersion = "akvault 0.1.0";

void PrintError(Io& io, const Status& status) {
  io.err() << "akvault: error: " << status.message();
  if (!status.hint().empty()) io.err() << "; " << status.hint();
  io.err() << '\n';
}

}  // namespace

std::string ExitStatusHelp() {
  std::ostringstream text;
  text << "Exit status:\n";
  for (const CodeInfo& info : AllCodes()) {
    char line[160];
    std::snprintf(line, sizeof line, "  %3d  %-11s %s\n", info.exit_status, info.name, info.meaning);
    text << line;
  }
  text << "  exec passes on the exit status of COMMAND (128+N if it was killed by signal N).\n";
  return text.str();
}

int RunCli(const std::vector<std::string>& args, Context& ctx) {
  // Everything after a bare "--" belongs to the command that `exec` runs;
  // CLI11 never sees it, so it can never be mistaken for an akvault option.
  std::vector<std::string> own_args;
  bool after_separator = false;
  for (const std::string& arg : args) {
    if (after_separator) {
      ctx.trailing_args.push_back(arg);
    } else if (arg == "--") {
      after_separator = true;
    } else {
      own_args.push_back(arg);
    }
  }

  CLI::App app{"akvault: keeps cloud AccessKeys encrypted, hands them out safely, and tracks their rotation.",
               "akvault"};
  app.set_version_flag("--version", kVersion);
  app.require_subcommand(1);
  // Global options are accepted before or after the command name.
  app.fallthrough();
  app.add_option("--vault", ctx.globals.vault, "vault file (default ~/.akvault/vault.db)")
      ->envname("AKVAULT_VAULT");
  app.add_option("--passphrase-file", ctx.globals.passphrase_file,
                 "file holding the master passphrase on its first line (owner-only)");
  app.add_flag("--json", ctx.globals.json, "machine-readable output");
  app.footer(ExitStatusHelp());

  CommandTable table;
  RegisterCommands(app, table);

  std::vector<const char*> argv;
  argv.push_back("akvault");
  for (const std::string& arg : own_args) argv.push_back(arg.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::CallForHelp&) {
    ctx.io.out() << app.help();
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    ctx.io.out() << app.help("", CLI::AppFormatMode::All);
    return 0;
  } catch (const CLI::CallForVersion&) {
    ctx.io.out() << kVersion << '\n';
    return 0;
  } catch (const CLI::ParseError& e) {
    ctx.io.err() << "akvault: error: " << e.what() << "; see akvault --help\n";
    return ExitStatusFor(Code::kUsage);
  }

  for (const Command& command : table) {
    if (!command.app->parsed()) continue;
    if (!ctx.trailing_args.empty() && command.app->get_name() != "exec") {
      PrintError(ctx.io, Status::Usage("unexpected arguments after --", "only `akvault exec` runs a command"));
      return ExitStatusFor(Code::kUsage);
    }
    Status status = command.run(ctx);
    ctx.io.out().flush();
    if (!status.ok()) {
      // `due` and `lint` report their findings themselves and use the
      // status only for the exit code.
      if (!status.message().empty()) PrintError(ctx.io, status);
      return ExitStatusFor(status.code());
    }
    if (!ctx.io.out()) {
      PrintError(ctx.io, Status::Io("cannot write to standard output"));
      return ExitStatusFor(Code::kIo);
    }
    return ctx.exit_status.value_or(0);
  }
  PrintError(ctx.io, Status::Usage("no command given", "see akvault --help"));
  return ExitStatusFor(Code::kUsage);
}

int RealMain(int argc, char** argv) {
  auto hardened = HardenProcess();
  if (!hardened.ok()) {
    std::cerr << "akvault: error: " << hardened.status().message() << '\n';
    return ExitStatusFor(hardened.status().code());
  }
  ProcessIo io;
  if (!hardened->empty()) io.err() << "akvault: warning: " << *hardened << '\n';
  SystemClock clock;
  SystemRng rng;
  Context ctx(io, clock, rng);
  std::vector<std::string> args(argv + 1, argv + argc);
  return RunCli(args, ctx);
}

}  // namespace akv::cli
