#include "cli/app.h"
#include "cli/scan_git_hook.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <sstream>
#include <string_view>

#include "cli/commands/commands.h"
#include "cli/last_resort.h"
#include "cli/process.h"
#include "cli/suggest.h"
#include "vault/encoding/display_text.h"

namespace akv::cli {
namespace {

constexpr const char* kVersion = "akvault 0.1.0";

// Messages quote paths, names and values from outside (a file name with an
// ESC or a newline in it): shown escaped, so an error is one line and
// cannot drive the terminal (H2-5).
void PrintError(Io& io, const Status& status) {
  io.err() << "akvault: error: " << DisplayText(status.message());
  if (!status.hint().empty()) io.err() << "; " << DisplayText(status.hint());
  io.err() << '\n';
}

// Start-up cost (docs/design.md, "Start-up and linking"): building every
// command's options takes longer than all of `open`'s own work, so a command
// line that names exactly one command registers only that one. This list
// only enables that shortcut: a command missing from it, or a name that does
// not match what its Add function registers, gets the full table instead.
struct NamedCommand {
  std::string_view name;
  void (*add)(CLI::App&, CommandTable&);
};
constexpr NamedCommand kNamedCommands[] = {
    {"init", AddInitCommand},       {"add", AddAddCommand},
    {"import", AddImportCommand},   {"list", AddListCommand},
    {"show", AddShowCommand},       {"remove", AddRemoveCommand},
    {"due", AddDueCommand},         {"rotate", AddRotateCommand},
    {"retire", AddRetireCommand},   {"lint", AddLintCommand},
    {"config", AddConfigCommand},   {"export", AddExportCommand},
    {"open", AddOpenCommand},       {"exec", AddExecCommand},
    {"credential-process", AddCredentialProcessCommand},
    {"keygen", AddKeygenCommand},   {"passwd", AddPasswdCommand},
    {"log", AddLogCommand},         {"check", AddCheckCommand},
    {"trail", AddTrailCommand},     {"policy", AddPolicyCommand},
    {"scan", AddScanCommand},
    {"unlock", AddUnlockCommand},   {"lock", AddLockCommand},
    {"receive", AddReceiveCommand}, {"configure-external", AddConfigureExternalCommand},
    {"inspect", AddInspectCommand},
};

const NamedCommand* FindNamedCommand(std::string_view word) {
  for (const NamedCommand& command : kNamedCommands) {
    if (command.name == word) return &command;
  }
  return nullptr;
}

// The command this command line runs, when nothing else in it could be read
// as a command: the first word that is neither an option nor the value of a
// global option names a command, no other word is a command's name, and no
// help or version flag is given (help lists every command). nullptr
// otherwise, and then every command is registered, so CLI11 sees exactly what
// it always saw whenever the shortcut could change a parse or a message.
const NamedCommand* SoleCommand(const std::vector<std::string>& args) {
  const NamedCommand* sole = nullptr;
  bool skip_value = false;
  bool positional_seen = false;
  for (const std::string& arg : args) {
    if (arg.rfind("-h", 0) == 0 || arg.rfind("--h", 0) == 0 || arg.rfind("--version", 0) == 0) return nullptr;
    const NamedCommand* named = FindNamedCommand(arg);
    if (skip_value) {
      skip_value = false;
      if (named != nullptr) return nullptr;
      continue;
    }
    if (!positional_seen && (arg == "--vault" || arg == "--passphrase-file")) {
      skip_value = true;
      continue;
    }
    if (!arg.empty() && arg.front() == '-') continue;
    if (!positional_seen) {
      positional_seen = true;
      if (named == nullptr) return nullptr;
      sole = named;
    } else if (named != nullptr) {
      return nullptr;
    }
  }
  return sole;
}

std::unique_ptr<CLI::App> BuildApp(Context& ctx, CommandTable& table, const NamedCommand* sole) {
  auto app = std::make_unique<CLI::App>(
      "akvault: keeps cloud AccessKeys encrypted, hands them out safely, and tracks their rotation.", "akvault");
  app->set_version_flag("--version", kVersion);
  app->require_subcommand(1);
  // Global options are accepted before or after the command name.
  app->fallthrough();
  app->add_option("--vault", ctx.globals.vault, "vault file (default ~/.akvault/vault.db)")->envname("AKVAULT_VAULT");
  app->add_option("--passphrase-file", ctx.globals.passphrase_file,
                  "file holding the master passphrase on its first line (owner-only)");
  app->add_flag("--json", ctx.globals.json, "machine-readable output");
  app->footer(ExitStatusHelp());
  if (sole != nullptr) {
    sole->add(*app, table);
    if (table.size() == 1 && table.front().app->get_name() == sole->name) return app;
    table.clear();  // the shortcut's list is out of date: fall back to the full table
    return BuildApp(ctx, table, nullptr);
  }
  RegisterCommands(*app, table);
  return app;
}

// "did you mean ...?" for a parse error: the first word that names no
// command (when no command was recognised), else the first --option that the
// command and the global options do not have. Empty when nothing is close.
std::string Suggestion(CLI::App& app, const std::vector<std::string>& args) {
  std::vector<std::string> commands;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    commands.push_back(sub->get_name());
  }
  for (const NamedCommand& named : kNamedCommands) commands.emplace_back(named.name);
  CLI::App* command = nullptr;
  bool skip_value = false;
  for (const std::string& arg : args) {
    if (skip_value) {
      skip_value = false;
      continue;
    }
    if (arg == "--vault" || arg == "--passphrase-file") {
      skip_value = true;
      continue;
    }
    if (arg.empty() || arg.front() == '-') continue;
    try {
      command = app.get_subcommand(arg);
    } catch (const CLI::OptionNotFound&) {
      command = nullptr;
    }
    if (command == nullptr) {
      const std::string close = ClosestName(arg, commands);
      return close.empty() ? std::string() : "did you mean `akvault " + close + "`?";
    }
    break;
  }
  std::vector<std::string> options;
  auto collect = [&](const CLI::App* from) {
    for (const CLI::Option* opt : from->get_options()) {
      for (const std::string& name : opt->get_lnames()) options.push_back("--" + name);
    }
  };
  collect(&app);
  if (command != nullptr) collect(command);
  for (const std::string& arg : args) {
    if (arg.rfind("--", 0) != 0 || arg.size() == 2) continue;
    const std::string name = arg.substr(0, arg.find('='));
    if (std::find(options.begin(), options.end(), name) != options.end()) continue;
    const std::string close = ClosestName(name, options);
    return close.empty() ? std::string() : "did you mean " + close + "?";
  }
  return {};
}

}  // namespace

std::string SoleCommandName(const std::vector<std::string>& args) {
  const NamedCommand* sole = SoleCommand(args);
  return sole != nullptr ? std::string(sole->name) : std::string();
}

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

  // `akvault help [COMMAND]` is `akvault [COMMAND] --help`, as in git.
  if (!own_args.empty() && own_args.front() == "help") {
    own_args.erase(own_args.begin());
    own_args.push_back("--help");
  }
  const bool nothing = own_args.empty() && !after_separator;

  CommandTable table;
  const std::unique_ptr<CLI::App> app_owner = BuildApp(ctx, table, SoleCommand(own_args));
  CLI::App& app = *app_owner;

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
    if (nothing) {
      // `akvault` alone: the commands, then the usage error (as git does).
      ctx.io.out() << app.help();
      ctx.io.out().flush();
      ctx.io.err() << "akvault: error: no command given; choose one of the commands above\n";
      return ExitStatusFor(Code::kUsage);
    }
    const std::string hint = Suggestion(app, own_args);
    ctx.io.err() << "akvault: error: " << DisplayText(e.what()) << "; " << (hint.empty() ? "" : hint + " ") << "see akvault --help\n";
    return ExitStatusFor(Code::kUsage);
  }

  for (const Command& command : table) {
    if (!command.app->parsed()) continue;
    if (!ctx.trailing_args.empty() && command.app->get_name() != "exec") {
      PrintError(ctx.io, Status::Usage("unexpected arguments after --", "only `akvault exec` runs a command"));
      return ExitStatusFor(Code::kUsage);
    }
    Status status;
    try {
      status = command.run(ctx);
    } catch (...) {  // see last_resort.h; every buffer and pending file is unwound first
      ctx.io.out().flush();
      return InternalErrorExit(ctx.io.err());
    }
    ctx.io.out().flush();
    // `akvault list | head -1`: the reader left, which is not an error
    // (cli.md, Part 2): end quietly with status 0.
    if ((!ctx.io.out() || status.code() == Code::kIo) && StdoutReaderGone()) return 0;
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
  RememberArgv(argc, argv);  // for `scan --git`, which may re-execute akvault-git
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
  // The session unlock (`akvault unlock`): the kernel session keyring and
  // $XDG_RUNTIME_DIR, read here once; nothing is touched until a command
  // opens a vault.
  std::unique_ptr<SessionKeyring> keyring = NewKernelSessionKeyring();
  const char* runtime_dir = std::getenv("XDG_RUNTIME_DIR");
  UnlockCache unlock_cache(*keyring, clock, rng,
                           UnlockCacheConfig{runtime_dir ? runtime_dir : "", static_cast<std::uint32_t>(::geteuid())});
  ctx.unlock_cache = &unlock_cache;
  std::vector<std::string> args(argv + 1, argv + argc);
  return RunCli(args, ctx);
}

}  // namespace akv::cli
