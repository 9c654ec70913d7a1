// Helpers shared by the unit tests: a temporary folder under umask 000 that
// cleans up after itself, and small constructors for test keys.
#pragma once

#include <sys/types.h>

#include <string>

#include "vault/bytes.h"
#include "vault/crypto/secret.h"

namespace akv::testing {

// A fresh private folder under $TMPDIR (or /tmp), removed recursively on
// destruction. Sets umask 000 for the test's lifetime (restored after), so
// every file-mode assertion is made in the worst case.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
  mode_t old_umask_;
};

// The permission bits of a path (lstat), e.g. 0600.
mode_t ModeOf(const std::string& path);
// The whole content of a file, or "" if missing.
std::string ReadAll(const std::string& path);
void WriteText(const std::string& path, const std::string& text, mode_t mode);
// True if `needle` occurs anywhere in the file's bytes.
bool FileContains(const std::string& path, ByteView needle);

SecretBuffer Secret(const std::string& text);

}  // namespace akv::testing
