#include "vault/trail/input.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <system_error>

namespace akv::trail {
namespace {

class FdByteSource final : public ByteSource {
 public:
  FdByteSource(int fd, std::string name) : fd_(fd), name_(std::move(name)) {}
  ~FdByteSource() override {
    if (fd_ > 2) ::close(fd_);
  }
  FdByteSource(const FdByteSource&) = delete;
  FdByteSource& operator=(const FdByteSource&) = delete;

  Result<std::size_t> Read(std::uint8_t* buffer, std::size_t capacity) override {
    for (;;) {
      const ssize_t n = ::read(fd_, buffer, capacity);
      if (n >= 0) return static_cast<std::size_t>(n);
      if (errno == EINTR) continue;
      return Status::FromErrno(errno, "reading", name_);
    }
  }

 private:
  int fd_;
  std::string name_;
};

}  // namespace

std::unique_ptr<ByteSource> FdSource(int fd, std::string name) {
  return std::make_unique<FdByteSource>(fd, std::move(name));
}

Result<std::vector<std::string>> ExpandInputs(const std::vector<std::string>& paths) {
  namespace fs = std::filesystem;
  std::vector<std::string> out;
  bool stdin_seen = false;
  for (const std::string& path : paths) {
    if (path == "-") {
      if (stdin_seen) return Status::Usage("standard input (-) is given twice");
      stdin_seen = true;
      out.push_back(path);
      continue;
    }
    std::error_code ec;
    const fs::file_status st = fs::status(path, ec);
    if (ec || !fs::exists(st)) {
      return Status::NotFound("no such file or folder: " + path,
                              "give the events file or the folder it was downloaded to");
    }
    if (!fs::is_directory(st)) {
      out.push_back(path);
      continue;
    }
    std::vector<std::string> found;
    fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec);
    if (ec) return Status::FromErrno(ec.value(), "listing", path);
    for (const fs::recursive_directory_iterator end; it != end; it.increment(ec)) {
      if (ec) return Status::FromErrno(ec.value(), "listing", path);
      std::error_code fec;
      if (it->is_regular_file(fec)) found.push_back(it->path().string());
    }
    std::sort(found.begin(), found.end());
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

Result<std::unique_ptr<ByteSource>> OpenInput(const std::string& path) {
  if (path == "-") return Decoded(FdSource(0, "standard input"), "standard input");
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return Status::FromErrno(errno, "opening", path);
  return Decoded(FdSource(fd, path), path);
}

}  // namespace akv::trail
