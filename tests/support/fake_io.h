// FakeIo: scripted standard streams for running commands in-process.
// No terminal: a command that would prompt fails the way it does in cron.
#pragma once

#include <sstream>
#include <string>

#include "cli/io.h"

namespace akv::testing {

class FakeIo final : public cli::Io {
 public:
  std::ostringstream out_stream;
  std::ostringstream err_stream;
  std::string stdin_text;  // what standard input holds (not a terminal)

  std::ostream& out() override { return out_stream; }
  std::ostream& err() override { return err_stream; }
  bool StdinIsTerminal() override { return false; }
  bool StderrIsTerminal() override { return false; }
  Result<SecretBuffer> ReadStdinLine(const std::string& what) override {
    std::string line = stdin_text.substr(0, stdin_text.find('\n'));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    stdin_text.clear();
    if (line.empty()) return Status::Input(what + " is empty");
    return SecretBuffer::CopyOf(std::string_view(line));
  }
  bool TerminalAvailable() override { return false; }
  Result<SecretBuffer> PromptSecret(const std::string& prompt) override {
    return Status::Input("no terminal to ask for the " + prompt);
  }
  Status WriteSecret(const SecretBuffer& bytes) override {
    out_stream << bytes.view();
    return Status::Ok();
  }
  Status WriteSecretToStderr(const SecretBuffer& bytes) override {
    err_stream << bytes.view();
    return Status::Ok();
  }
};

}  // namespace akv::testing
