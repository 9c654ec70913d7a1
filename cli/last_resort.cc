#include "cli/last_resort.h"

#include <unistd.h>

#include <cstring>
#include <exception>
#include <ostream>

#include "vault/status.h"

namespace akv::cli {
namespace {

constexpr const char kMessage[] =
    "akvault: error: internal error: an unexpected exception stopped the command (its text is not shown, as it may "
    "quote input); files being written were not put in place; please report how to reproduce it\n";

[[noreturn]] void OnTerminate() {
  // Async-signal-safe path: no streams, no allocation.
  const ssize_t ignored = ::write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
  (void)ignored;
  ::_exit(ExitStatusFor(Code::kInternal));
}

}  // namespace

int InternalErrorExit(std::ostream& err) {
  err << kMessage;
  err.flush();
  return ExitStatusFor(Code::kInternal);
}

void InstallTerminateHandler() { std::set_terminate(OnTerminate); }

}  // namespace akv::cli
