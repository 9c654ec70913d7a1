// The last line of defence: no exception that escapes a command (a bug, or a
// library throwing on input nobody foresaw) may end akvault by SIGABRT,
// which leaves no message, a core file that may hold secrets, and an exit
// status scripts cannot tell from a crash.
//
// InternalErrorExit prints one line and returns the E_INTERNAL exit status.
// The exception's own text is not shown: it may quote the input that made
// it (nlohmann's parse errors do), and that input may be a secret.
// InstallTerminateHandler covers exceptions thrown where they cannot be
// caught (a destructor, a noexcept function): same line, then _exit.
#pragma once

#include <iosfwd>

namespace akv::cli {

int InternalErrorExit(std::ostream& err);
void InstallTerminateHandler();

}  // namespace akv::cli
