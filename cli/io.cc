#include "cli/io.h"

#include <fcntl.h>
#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include "vault/fs/secure_file.h"

namespace akv::cli {
namespace {

// State the signal handler needs to put the terminal back.
volatile sig_atomic_t g_tty_fd = -1;
struct termios g_saved_termios;

void RestoreTerminalAndExit(int sig) {
  if (g_tty_fd >= 0) {
    ::tcsetattr(g_tty_fd, TCSAFLUSH, &g_saved_termios);
    (void)!::write(g_tty_fd, "\n", 1);
  }
  // Exit rather than die by the signal: the program's contract is that no
  // input makes it end by a signal, and 128+n is what shells report anyway.
  ::_exit(128 + sig);
}

}  // namespace

Result<SecretBuffer> ReadSecretLineFromFd(int fd, const std::string& what) {
  SecretBuffer line(kMaxSecretLineBytes + 2);
  std::size_t n = 0;
  bool too_long = false;
  for (;;) {
    std::uint8_t c;
    ssize_t got = ::read(fd, &c, 1);
    if (got < 0) {
      if (errno == EINTR) continue;
      return Status::Io("cannot read " + what + ": " + std::strerror(errno));
    }
    if (got == 0 || c == '\n') break;
    if (n < line.size()) {
      line.data()[n++] = c;
      ::memset(&c, 0, 1);
      continue;
    }
    // Past the longest accepted line: stop here rather than drain it, or
    // `add < /dev/zero` would read forever, a byte per call (H2-7b).
    ::memset(&c, 0, 1);
    too_long = true;
    break;
  }
  if (n > 0 && line.data()[n - 1] == '\r') --n;
  if (too_long || n > kMaxSecretLineBytes) {
    return Status::Input(what + " is longer than " + std::to_string(kMaxSecretLineBytes) + " bytes");
  }
  if (n == 0) return Status::Input(what + " is empty", "type or pipe it on a single line");
  line.Truncate(n);
  return line;
}

std::ostream& ProcessIo::out() { return std::cout; }
std::ostream& ProcessIo::err() { return std::cerr; }
bool ProcessIo::StdinIsTerminal() { return ::isatty(STDIN_FILENO) == 1; }
bool ProcessIo::StderrIsTerminal() { return ::isatty(STDERR_FILENO) == 1; }

Result<SecretBuffer> ProcessIo::ReadStdinLine(const std::string& what) {
  std::cout.flush();
  return ReadSecretLineFromFd(STDIN_FILENO, what + " (standard input)");
}

bool ProcessIo::TerminalAvailable() {
  int fd = ::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

Result<SecretBuffer> ProcessIo::PromptSecret(const std::string& prompt) {
  int fd = ::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    return Status::Input("no terminal to ask for the " + prompt,
                         "run it in a terminal, or give the secret through the documented file option or stdin");
  }
  struct termios saved;
  if (::tcgetattr(fd, &saved) != 0) {
    ::close(fd);
    return Status::Input("cannot switch off echo on the terminal", "use the documented file option instead");
  }
  g_saved_termios = saved;
  g_tty_fd = fd;
  struct sigaction restore {}, old_int {}, old_term {}, old_hup {}, old_quit {}, ignore {}, old_tstp {}, old_ttin {},
      old_ttou {};
  restore.sa_handler = RestoreTerminalAndExit;
  sigemptyset(&restore.sa_mask);
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  ::sigaction(SIGINT, &restore, &old_int);
  ::sigaction(SIGTERM, &restore, &old_term);
  ::sigaction(SIGHUP, &restore, &old_hup);
  ::sigaction(SIGQUIT, &restore, &old_quit);
  // Stopping with echo off would leave the user's shell without echo.
  ::sigaction(SIGTSTP, &ignore, &old_tstp);
  ::sigaction(SIGTTIN, &ignore, &old_ttin);
  ::sigaction(SIGTTOU, &ignore, &old_ttou);

  struct termios quiet = saved;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO | ECHONL);
  ::tcsetattr(fd, TCSAFLUSH, &quiet);
  const std::string text = prompt + ": ";
  (void)!::write(fd, text.data(), text.size());
  auto line = ReadSecretLineFromFd(fd, prompt);
  ::tcsetattr(fd, TCSAFLUSH, &saved);
  (void)!::write(fd, "\n", 1);

  ::sigaction(SIGINT, &old_int, nullptr);
  ::sigaction(SIGTERM, &old_term, nullptr);
  ::sigaction(SIGHUP, &old_hup, nullptr);
  ::sigaction(SIGQUIT, &old_quit, nullptr);
  ::sigaction(SIGTSTP, &old_tstp, nullptr);
  ::sigaction(SIGTTIN, &old_ttin, nullptr);
  ::sigaction(SIGTTOU, &old_ttou, nullptr);
  g_tty_fd = -1;
  ::close(fd);
  return line;
}

namespace {
Status WriteAllTo(int fd, const SecretBuffer& bytes, const char* name) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::Io(std::string("cannot write to ") + name + ": " + std::strerror(errno));
    }
    done += static_cast<std::size_t>(n);
  }
  return Status::Ok();
}
}  // namespace

Status ProcessIo::WriteSecret(const SecretBuffer& bytes) {
  std::cout.flush();
  return WriteAllTo(STDOUT_FILENO, bytes, "standard output");
}

Status ProcessIo::WriteSecretToStderr(const SecretBuffer& bytes) {
  std::cerr.flush();
  return WriteAllTo(STDERR_FILENO, bytes, "standard error");
}

}  // namespace akv::cli
