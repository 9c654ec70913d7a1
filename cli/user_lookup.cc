#include "cli/user_lookup.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <vector>

namespace akv::cli {
namespace {

// Debian and the Red Hat family (Alibaba Cloud Linux) both ship it here.
constexpr const char* kGetentPaths[] = {"/usr/bin/getent", "/bin/getent"};
// getent's status when the key is not in the database.
constexpr int kGetentNotFound = 2;
// One passwd line; more than this is not an answer to our question.
constexpr std::size_t kMaxAnswerBytes = 64 << 10;

bool PlausibleUserName(const std::string& name) {
  if (name.empty() || name.size() > 256 || name.front() == '-') return false;
  for (unsigned char c : name) {
    if (c <= ' ' || c == 0x7f || c == ':' || c == '/') return false;
  }
  return true;
}

Result<std::uint32_t> ParseId(std::string_view field) {
  std::uint32_t value = 0;
  const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), value);
  if (field.empty() || ec != std::errc() || end != field.data() + field.size()) {
    return Status::Internal("getent printed a passwd line with a bad uid or gid");
  }
  return value;
}

const char* FindGetent() {
  for (const char* path : kGetentPaths) {
    if (::access(path, X_OK) == 0) return path;
  }
  return nullptr;
}

}  // namespace

Result<UserIds> ParsePasswdLine(std::string_view line, std::string_view name) {
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  std::vector<std::string_view> fields;
  while (fields.size() < 7) {
    const std::size_t colon = line.find(':');
    fields.push_back(line.substr(0, colon));
    if (colon == std::string_view::npos) break;
    line.remove_prefix(colon + 1);
  }
  if (fields.size() != 7 || fields[0] != name) {
    return Status::Internal("getent printed something that is not the passwd line of " + std::string(name));
  }
  AKV_ASSIGN_OR_RETURN(std::uint32_t uid, ParseId(fields[2]));
  AKV_ASSIGN_OR_RETURN(std::uint32_t gid, ParseId(fields[3]));
  return UserIds{static_cast<uid_t>(uid), static_cast<gid_t>(gid)};
}

Result<UserIds> LookUpUser(const std::string& name) {
  if (!PlausibleUserName(name)) {
    // Not echoed: it may hold a newline or escape sequences.
    return Status::Usage("--chown needs a user name (not empty, not starting with '-', and without ':', '/', "
                         "blanks or control characters)",
                         "give the service user's login name");
  }
  const char* getent = FindGetent();
  if (getent == nullptr) {
    return Status::Internal("--chown needs getent to look up users, and neither /usr/bin/getent nor /bin/getent exists",
                            "install the package that has getent (libc-bin on Debian, glibc-common on RHEL)");
  }
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) return Status::Internal("cannot create a pipe for getent");
  const pid_t child = ::fork();
  if (child < 0) {
    ::close(out[0]);
    ::close(out[1]);
    return Status::Internal("cannot start getent");
  }
  if (child == 0) {
    ::dup2(out[1], STDOUT_FILENO);
    const int devnull = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    if (devnull >= 0) {
      ::dup2(devnull, STDIN_FILENO);
      ::dup2(devnull, STDERR_FILENO);
    }
    // A clean environment: nothing of ours reaches it, and no LD_* or
    // locale setting of the caller changes what it does.
    char* const argv[] = {const_cast<char*>("getent"), const_cast<char*>("passwd"), const_cast<char*>("--"),
                          const_cast<char*>(name.c_str()), nullptr};
    char* const envp[] = {const_cast<char*>("PATH=/usr/bin:/bin"), nullptr};
    ::execve(getent, argv, envp);
    ::_exit(127);
  }
  ::close(out[1]);
  std::string answer;
  char chunk[4096];
  while (answer.size() <= kMaxAnswerBytes) {
    const ssize_t n = ::read(out[0], chunk, sizeof chunk);
    if (n > 0) {
      answer.append(chunk, static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  ::close(out[0]);
  int wstatus = 0;
  while (::waitpid(child, &wstatus, 0) < 0) {
    if (errno != EINTR) return Status::Internal("cannot wait for getent");
  }
  if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == kGetentNotFound) {
    return Status::NotFound("no user named " + name + " on this machine", "check the service user's name");
  }
  if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
    return Status::Internal("getent passwd " + name + " failed", "check that `getent passwd " + name + "` works");
  }
  return ParsePasswdLine(std::string_view(answer).substr(0, answer.find('\n')), name);
}

}  // namespace akv::cli
