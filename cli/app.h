// The command-line front end: parses arguments with CLI11, runs the chosen
// command, and turns its Status into one line on stderr and an exit status.
#pragma once

#include <string>
#include <vector>

#include "cli/context.h"

namespace akv::cli {

// Runs akvault with `args` (without the program name) in `ctx`; returns the
// process exit status. Used by main and by in-process tests.
int RunCli(const std::vector<std::string>& args, Context& ctx);

// The command that RunCli registers alone for `args` (start-up cost, see
// docs/design.md "Start-up and linking"): the one command the line names when
// nothing else in it could be read as a command and no help or version flag
// is given; empty when RunCli registers every command. Exposed for tests.
std::string SoleCommandName(const std::vector<std::string>& args);

// The text of the exit-status table, as printed at the end of --help.
std::string ExitStatusHelp();

// main: hardening, the real Io/Clock/Rng, then RunCli.
int RealMain(int argc, char** argv);

}  // namespace akv::cli
