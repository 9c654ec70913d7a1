#include "cli/commands/commands.h"

namespace akv::cli {

// Every command, in the order `akvault --help` lists them. Explicit on
// purpose: a static library drops files that nothing references, so
// self-registration would silently lose commands.
void RegisterCommands(CLI::App& root, CommandTable& table) {
  // The vault.
  AddInitCommand(root, table);
  AddAddCommand(root, table);
  AddImportCommand(root, table);
  AddListCommand(root, table);
  AddShowCommand(root, table);
  AddRemoveCommand(root, table);
  // Rotation.
  AddDueCommand(root, table);
  AddRotateCommand(root, table);
  AddRetireCommand(root, table);
  AddLintCommand(root, table);
  AddConfigCommand(root, table);
  // Distribution.
  AddExportCommand(root, table);
  AddOpenCommand(root, table);
  AddExecCommand(root, table);
  AddCredentialProcessCommand(root, table);
  AddKeygenCommand(root, table);
  // Upkeep.
  AddPasswdCommand(root, table);
  AddLogCommand(root, table);
  AddCheckCommand(root, table);
  // Compliance.
  AddTrailCommand(root, table);
  AddPolicyCommand(root, table);
  AddScanCommand(root, table);
  // The session unlock.
  AddUnlockCommand(root, table);
  AddLockCommand(root, table);
  // The receiving side (realuser).
  AddReceiveCommand(root, table);
  AddConfigureExternalCommand(root, table);
  AddInspectCommand(root, table);
}

}  // namespace akv::cli
