// Io: the terminal and the standard streams, behind one interface so that
// the commands can be run in-process by tests with scripted input.
//
// Secrets are read into SecretBuffer byte by byte (never through iostreams,
// whose buffers are ordinary heap memory) and written with WriteSecret, which
// bypasses std::cout's buffer for the same reason.
#pragma once

#include <iosfwd>
#include <string>

#include "vault/crypto/secret.h"
#include "vault/status.h"

namespace akv::cli {

class Io {
 public:
  virtual ~Io() = default;
  virtual std::ostream& out() = 0;
  virtual std::ostream& err() = 0;

  virtual bool StdinIsTerminal() = 0;
  virtual bool StderrIsTerminal() = 0;
  // The first line of standard input (one "\n" or "\r\n" removed), at most
  // kMaxSecretLineBytes; kInput when empty or too long.
  virtual Result<SecretBuffer> ReadStdinLine(const std::string& what) = 0;
  // True if a controlling terminal can be opened for a prompt.
  virtual bool TerminalAvailable() = 0;
  // Prompts on the controlling terminal with echo off. kInput if there is
  // no terminal. Echo is restored on every path, including Ctrl-C.
  virtual Result<SecretBuffer> PromptSecret(const std::string& prompt) = 0;
  // Writes secret bytes to standard output without copying them into a
  // stream buffer (flushes out() first so the order is kept).
  virtual Status WriteSecret(const SecretBuffer& bytes) = 0;
  // The same for standard error (a bundle password shown once).
  virtual Status WriteSecretToStderr(const SecretBuffer& bytes) = 0;
};

// The real process streams and /dev/tty.
class ProcessIo final : public Io {
 public:
  std::ostream& out() override;
  std::ostream& err() override;
  bool StdinIsTerminal() override;
  bool StderrIsTerminal() override;
  Result<SecretBuffer> ReadStdinLine(const std::string& what) override;
  bool TerminalAvailable() override;
  Result<SecretBuffer> PromptSecret(const std::string& prompt) override;
  Status WriteSecret(const SecretBuffer& bytes) override;
  Status WriteSecretToStderr(const SecretBuffer& bytes) override;
};

// Reads one line from `fd` byte by byte into secure memory (shared by
// ProcessIo and the prompt). `what` names the input in messages.
Result<SecretBuffer> ReadSecretLineFromFd(int fd, const std::string& what);

}  // namespace akv::cli
