#include "cli/commands/password_delivery.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ostream>

#include "vault/fs/secure_file.h"

namespace akv::cli {
namespace {

SecretBuffer WithNewline(const SecretBuffer& password) {
  SecretBuffer line(password.size() + 1);
  std::memcpy(line.data(), password.data(), password.size());
  line.data()[password.size()] = '\n';
  return line;
}

}  // namespace

Status WritePasswordFile(const std::string& path, const SecretBuffer& password, bool& created) {
  SecretBuffer line = WithNewline(password);
  WriteOptions write;
  write.what = "--password-file";
  write.replace = false;
  Result<PendingFile> pending = PendingFile::Prepare(path, line.span(), write);
  if (!pending.ok()) return pending.status().WithContext("--password-file");
  const Status published = pending->Publish();
  created = pending->published();
  return published.ok() ? published : published.WithContext("--password-file");
}

Status RunPasswordCommand(const std::string& command, const SecretBuffer& password) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return Status::Internal("cannot create a pipe for --password-command");
  const pid_t child = ::fork();
  if (child < 0) {
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    return Status::Internal("cannot start --password-command");
  }
  if (child == 0) {
    ::dup2(pipe_fds[0], STDIN_FILENO);
    ::signal(SIGPIPE, SIG_DFL);
    ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // The parent keeps its copy of the read end: after the command exits, the
  // bytes still in the pipe tell whether it read the password at all (a
  // 30-byte write always fits in the pipe, so EPIPE alone would not).
  SecretBuffer line = WithNewline(password);
  std::size_t done = 0;
  bool write_failed = false;
  while (done < line.size()) {
    ssize_t n = ::write(pipe_fds[1], line.data() + done, line.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      write_failed = true;  // the command exited without reading
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  ::close(pipe_fds[1]);
  int wstatus = 0;
  while (::waitpid(child, &wstatus, 0) < 0) {
    if (errno != EINTR) {
      ::close(pipe_fds[0]);
      return Status::Internal("lost track of --password-command");
    }
  }
  int unread = 0;
  if (::ioctl(pipe_fds[0], FIONREAD, &unread) != 0) unread = 0;
  if (unread > 0) {
    // Drain and wipe what it left, so the password does not linger in a buffer.
    SecretBuffer rest(static_cast<std::size_t>(unread));
    (void)!::read(pipe_fds[0], rest.data(), rest.size());
    write_failed = true;
  }
  ::close(pipe_fds[0]);
  if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
    const std::string how = WIFEXITED(wstatus) ? "exited with status " + std::to_string(WEXITSTATUS(wstatus))
                                               : "was killed by signal " + std::to_string(WTERMSIG(wstatus));
    return Status::Io("--password-command " + how + "; the bundle was not written",
                      "check the command by hand (it reads the password on stdin)");
  }
  if (write_failed) {
    return Status::Io("--password-command did not read the password; the bundle was not written",
                      "the command must read the password from its standard input");
  }
  return Status::Ok();
}

Status ShowPasswordOnStderr(Io& io, const SecretBuffer& password) {
  std::ostream& err = io.err();
  err << "Bundle password (shown once; send it by a different channel than the bundle, e.g. a text message or a "
         "call):\n\n    ";
  Status shown = io.WriteSecretToStderr(password);
  if (!shown.ok()) {
    return Status::Io("cannot show the password on standard error; the bundle was not written",
                      "use --password-file FILE instead");
  }
  err << "\n\n";
  err.flush();
  return Status::Ok();
}

}  // namespace akv::cli
