// Process hardening, done first in main before any secret is read:
// umask 077, no core dumps (RLIMIT_CORE 0), not dumpable or ptrace-able by
// the same user (PR_SET_DUMPABLE 0, which also makes /proc/PID/mem and
// environ unreadable), SIGPIPE ignored (a closed pipe is an error value, not
// a death by signal), libsodium initialised (fail closed).
#pragma once

#include <string>

#include "vault/status.h"

namespace akv::cli {

// Returns a warning to print (empty if none): mlock being unavailable is
// reported, not fatal (E8).
Result<std::string> HardenProcess();

// True when the same user could ptrace or core-dump this process
// (prctl PR_GET_DUMPABLE), i.e. HardenProcess did not run or was undone.
bool ProcessIsDumpable();
// True when standard output is a pipe or socket whose reading end is closed
// (poll reports POLLERR on the write end): a failed write then means the
// reader left, as in `akvault list | head -1`, which is not an error.
bool StdoutReaderGone();

}  // namespace akv::cli
