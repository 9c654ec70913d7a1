#include "tests/support/test_support.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace akv::testing {

TempDir::TempDir() {
  old_umask_ = ::umask(0);
  const char* base = std::getenv("TMPDIR");
  std::string templ = std::string(base && *base ? base : "/tmp") + "/akvault-test-XXXXXX";
  if (::mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = templ;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
  ::umask(old_umask_);
}

mode_t ModeOf(const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) return static_cast<mode_t>(-1);
  return st.st_mode & 07777;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteText(const std::string& path, const std::string& text, mode_t mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, mode);
  if (fd < 0) throw std::runtime_error("cannot write " + path);
  if (::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    ::close(fd);
    throw std::runtime_error("short write " + path);
  }
  ::fchmod(fd, mode);
  ::close(fd);
}

bool FileContains(const std::string& path, ByteView needle) {
  const std::string content = ReadAll(path);
  if (needle.empty()) return false;
  return std::search(content.begin(), content.end(), needle.begin(), needle.end(),
                     [](char a, std::uint8_t b) { return static_cast<std::uint8_t>(a) == b; }) != content.end();
}

SecretBuffer Secret(const std::string& text) { return SecretBuffer::CopyOf(text); }

}  // namespace akv::testing
