#include "cli/process.h"

#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vault/crypto/init.h"

namespace akv::cli {

Result<std::string> HardenProcess() {
  ::umask(077);
  struct rlimit no_core = {0, 0};
  if (::setrlimit(RLIMIT_CORE, &no_core) != 0) {
    return Status::Internal("cannot disable core dumps (setrlimit RLIMIT_CORE)");
  }
  if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
    return Status::Internal("cannot mark the process non-dumpable (prctl PR_SET_DUMPABLE)");
  }
  ::signal(SIGPIPE, SIG_IGN);
  AKV_RETURN_IF_ERROR(InitCrypto());
  // sodium_malloc locks each secret in RAM but does not report a failure to;
  // probe once so the user knows when secrets could reach swap.
  const long page = ::sysconf(_SC_PAGESIZE);
  void* probe = nullptr;
  if (::posix_memalign(&probe, static_cast<std::size_t>(page), static_cast<std::size_t>(page)) == 0) {
    const bool locked = ::mlock(probe, static_cast<std::size_t>(page)) == 0;
    if (locked) ::munlock(probe, static_cast<std::size_t>(page));
    ::free(probe);
    if (!locked) {
      return std::string("cannot lock memory (ulimit -l); secrets may be written to swap");
    }
  }
  return std::string();
}

bool ProcessIsDumpable() { return ::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0; }
bool StdoutReaderGone() {
  struct stat st;
  if (::fstat(STDOUT_FILENO, &st) != 0 || !(S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))) return false;
  struct pollfd p = {STDOUT_FILENO, 0, 0};
  return ::poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP)) != 0;
}

}  // namespace akv::cli
