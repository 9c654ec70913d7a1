// The command table: every subcommand, listed explicitly in
// RegisterCommands (commands.cc). Each command lives in its own file under
// cli/commands/ and adds itself with an Add<Name>Command function that
// declares its options and returns the body to run after parsing.
#pragma once

#include <functional>
#include <vector>

#include "cli/context.h"
#include "vault/status.h"

namespace CLI {
class App;
}

namespace akv::cli {

struct Command {
  CLI::App* app;                      // the parsed subcommand
  std::function<Status(Context&)> run;  // its body
};
using CommandTable = std::vector<Command>;

void RegisterCommands(CLI::App& root, CommandTable& table);

void AddInitCommand(CLI::App& root, CommandTable& table);
void AddAddCommand(CLI::App& root, CommandTable& table);
void AddImportCommand(CLI::App& root, CommandTable& table);
void AddListCommand(CLI::App& root, CommandTable& table);
void AddShowCommand(CLI::App& root, CommandTable& table);
void AddRemoveCommand(CLI::App& root, CommandTable& table);
void AddRotateCommand(CLI::App& root, CommandTable& table);
void AddRetireCommand(CLI::App& root, CommandTable& table);
void AddDueCommand(CLI::App& root, CommandTable& table);
void AddLintCommand(CLI::App& root, CommandTable& table);
void AddConfigCommand(CLI::App& root, CommandTable& table);
void AddExportCommand(CLI::App& root, CommandTable& table);
void AddOpenCommand(CLI::App& root, CommandTable& table);
void AddExecCommand(CLI::App& root, CommandTable& table);
void AddCredentialProcessCommand(CLI::App& root, CommandTable& table);
void AddKeygenCommand(CLI::App& root, CommandTable& table);
void AddPasswdCommand(CLI::App& root, CommandTable& table);
void AddLogCommand(CLI::App& root, CommandTable& table);
void AddCheckCommand(CLI::App& root, CommandTable& table);
void AddTrailCommand(CLI::App& root, CommandTable& table);
void AddPolicyCommand(CLI::App& root, CommandTable& table);
void AddScanCommand(CLI::App& root, CommandTable& table);
void AddUnlockCommand(CLI::App& root, CommandTable& table);
void AddLockCommand(CLI::App& root, CommandTable& table);
void AddReceiveCommand(CLI::App& root, CommandTable& table);
void AddConfigureExternalCommand(CLI::App& root, CommandTable& table);
void AddInspectCommand(CLI::App& root, CommandTable& table);

}  // namespace akv::cli
