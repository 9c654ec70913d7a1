#include "vault/fs/existing_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace akv {
namespace {

struct FdCloser {
  int fd;
  ~FdCloser() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

Result<std::optional<ExistingFile>> ReadExistingPrivateFile(const std::string& path, const std::string& what,
                                                            std::size_t max_bytes, std::optional<uid_t> also_owner) {
  // O_NOFOLLOW: a symlink at the last component fails with ELOOP instead of
  // being read through; O_NONBLOCK: a FIFO planted there cannot hang us.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::optional<ExistingFile>();
    if (errno == ELOOP) {
      return Status::Permission(what + " " + path + " is a symbolic link; refusing to read or write through it",
                                "remove the link or give the real path");
    }
    return Status::FromErrno(errno, "cannot read", path);
  }
  FdCloser closer{fd};
  struct stat st;
  if (::fstat(fd, &st) != 0) return Status::FromErrno(errno, "cannot inspect", path);
  if (!S_ISREG(st.st_mode)) return Status::Conflict(what + " " + path + " exists and is not a regular file");
  if (st.st_uid != ::geteuid() && !(also_owner && st.st_uid == *also_owner)) {
    return Status::Permission(what + " " + path + " is owned by uid " + std::to_string(st.st_uid) + ", not by you",
                              "only merge into files you own: chown it, or move it away");
  }
  if ((st.st_mode & 077) != 0) {
    return Status::Permission(what + " " + path + " holds credentials and is accessible to group or others",
                              "run: chmod 600 " + path);
  }
  if (static_cast<std::uint64_t>(st.st_size) > max_bytes) {
    return Status::Format(what + " " + path + " is larger than " + std::to_string(max_bytes) + " bytes",
                          "check that this is the right file");
  }
  ExistingFile out;
  out.mode = st.st_mode & 07777;
  // One byte more than the size, to notice a file growing under us.
  SecretBuffer buffer(static_cast<std::size_t>(st.st_size) + 1);
  std::size_t got = 0;
  while (got < buffer.size()) {
    const ssize_t n = ::read(fd, buffer.data() + got, buffer.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::FromErrno(errno, "cannot read", path);
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  if (got > static_cast<std::size_t>(st.st_size)) {
    return Status::Conflict(what + " " + path + " changed while it was read", "run the command again");
  }
  buffer.Truncate(got);
  out.text = std::move(buffer);
  return std::optional<ExistingFile>(std::move(out));
}

}  // namespace akv
