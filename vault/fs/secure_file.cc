#include "vault/fs/secure_file.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <utility>

#include "vault/crypto/random.h"
#include "vault/encoding/encoding.h"
#include "vault/fs/act_as_user.h"
#include "vault/fs/output_location.h"
#include "vault/fs/unique_fd.h"

namespace akv {
namespace {

using Fd = UniqueFd;

std::string ModeString(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

Status WriteAll(int fd, ByteView data, const std::string& path) {
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::Io(std::string("cannot write ") + path + ": " + std::strerror(errno),
                        "check free space and that the filesystem is writable");
    }
    done += static_cast<std::size_t>(n);
  }
  return Status::Ok();
}

Status FsyncOrFail(int fd, const std::string& path) {
  if (::fsync(fd) != 0) {
    return Status::Io(std::string("cannot flush ") + path + " to disk: " + std::strerror(errno),
                      "check the disk; nothing was replaced");
  }
  return Status::Ok();
}

// Opens a secret-or-public input without following it into a FIFO hang.
Result<int> OpenInput(const std::string& path, const std::string& what) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    int err = errno;
    if (err == ENOENT) return Status::NotFound(what + " " + path + " does not exist", "check the path");
    return Status::FromErrno(err, "cannot open " + what, path);
  }
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::Permission(what + " " + path + " is not a regular file",
                              "give the path of an ordinary file (not a FIFO, folder or device)");
  }
  // Back to blocking reads for an ordinary file.
  int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0) ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  return fd;
}

// Reads up to `limit` bytes into a secret buffer; sets *truncated if more exist.
Result<SecretBuffer> ReadUpTo(int fd, std::size_t limit, const std::string& path, bool* more) {
  SecretBuffer buffer(limit + 1);
  std::size_t got = 0;
  while (got < limit + 1) {
    ssize_t n = ::read(fd, buffer.data() + got, limit + 1 - got);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::Io("cannot read " + path + ": " + std::strerror(errno));
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  *more = got > limit;
  buffer.Truncate(got > limit ? limit : got);
  return buffer;
}

std::string NewTempName(const std::string& final_name) {
  SystemRng rng;
  return "." + final_name + ".tmp-" + HexEncode(rng.Draw(8));
}

}  // namespace

std::string ParentOf(const std::string& path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string BaseName(const std::string& path) {
  auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

bool PathExists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

OutputRules RulesFor(const WriteOptions& options) {
  OutputRules rules;
  rules.replace = options.replace;
  rules.create_parents = options.create_parents;
  rules.as_user = options.as_user;
  return rules;
}

Status CheckOutputPath(const std::string& path, const std::string& what, const WriteOptions& options) {
  return OutputLocation::Check(path, what, RulesFor(options));
}

Status CheckOutputPath(const std::string& path, const std::string& what, bool replace) {
  WriteOptions options;
  options.what = what;
  options.replace = replace;
  return CheckOutputPath(path, what, options);
}

bool SamePath(const std::string& a, const std::string& b) {
  auto normal = [](const std::string& p) {
    char resolved[PATH_MAX];
    const std::string parent = ParentOf(p);
    if (::realpath(parent.c_str(), resolved) == nullptr) return p;
    return std::string(resolved) + "/" + BaseName(p);
  };
  return normal(a) == normal(b);
}

Status CheckOwnerOnly(int fd, const std::string& path, PathKind kind) {
  struct stat st;
  if (::fstat(fd, &st) != 0) return Status::FromErrno(errno, "cannot inspect", path);
  const bool folder = kind == PathKind::kVaultFolder;
  const char* noun = kind == PathKind::kVaultFile     ? "vault file"
                     : kind == PathKind::kVaultFolder ? "vault folder"
                                                      : "secret input file";
  if (st.st_uid != ::geteuid()) {
    return Status::Permission(std::string(noun) + " " + path + " is owned by uid " + std::to_string(st.st_uid) +
                                  ", not by you (uid " + std::to_string(::geteuid()) + ")",
                              "only use files you own: chown it to yourself or copy it");
  }
  if ((st.st_mode & 077) != 0) {
    return Status::Permission(
        std::string(noun) + " " + path + " is accessible to group or others (mode " + ModeString(st.st_mode) + ")",
        std::string("run: chmod ") + (folder ? "700 " : "600 ") + path);
  }
  return Status::Ok();
}

Status CheckAncestors(const std::string& path) {
  std::string absolute = path;
  if (absolute.empty() || absolute[0] != '/') {
    char cwd[PATH_MAX];
    if (::getcwd(cwd, sizeof cwd) == nullptr) return Status::Io("cannot read the current folder");
    absolute = std::string(cwd) + "/" + path;
  }
  std::string dir = ParentOf(absolute);
  for (;;) {
    struct stat st;
    if (::stat(dir.c_str(), &st) != 0) return Status::FromErrno(errno, "cannot inspect folder", dir);
    const bool trusted_owner = st.st_uid == 0 || st.st_uid == ::geteuid();
    const bool others_can_write = (st.st_mode & 022) != 0 && (st.st_mode & S_ISVTX) == 0;
    if (!trusted_owner) {
      return Status::Permission("folder " + dir + " above " + path + " is owned by uid " + std::to_string(st.st_uid),
                                "keep the vault and secret files under folders owned by you or root");
    }
    if (others_can_write) {
      return Status::Permission(
          "folder " + dir + " above " + path + " is writable by group or others (mode " + ModeString(st.st_mode) + ")",
          "run: chmod go-w " + dir);
    }
    if (dir == "/") break;
    dir = ParentOf(dir);
  }
  return Status::Ok();
}

Result<SecretBuffer> ReadSecretLine(const std::string& path, const std::string& what) {
  AKV_ASSIGN_OR_RETURN(int raw_fd, OpenInput(path, what));
  Fd fd(raw_fd);
  AKV_RETURN_IF_ERROR(CheckOwnerOnly(fd.get(), path, PathKind::kSecretInput));
  bool more = false;
  // Room for the longest accepted line plus its "\r\n".
  AKV_ASSIGN_OR_RETURN(SecretBuffer content, ReadUpTo(fd.get(), kMaxSecretLineBytes + 2, path, &more));
  std::size_t line_end = content.size();
  for (std::size_t i = 0; i < content.size(); ++i) {
    if (content.data()[i] == '\n') {
      line_end = i;
      break;
    }
  }
  if (line_end == content.size() && more) {
    return Status::Input(
        what + " " + path + ": the first line is longer than " + std::to_string(kMaxSecretLineBytes) + " bytes",
        "put the secret alone on the first line");
  }
  if (line_end > 0 && content.data()[line_end - 1] == '\r') --line_end;
  if (line_end > kMaxSecretLineBytes) {
    return Status::Input(
        what + " " + path + ": the first line is longer than " + std::to_string(kMaxSecretLineBytes) + " bytes",
        "put the secret alone on the first line");
  }
  if (line_end == 0) return Status::Input(what + " " + path + " is empty", "put the secret on the first line");
  content.Truncate(line_end);
  return content;
}

Result<SecretBuffer> ReadSecretFile(const std::string& path, const std::string& what, std::size_t max_bytes) {
  AKV_ASSIGN_OR_RETURN(int raw_fd, OpenInput(path, what));
  Fd fd(raw_fd);
  AKV_RETURN_IF_ERROR(CheckOwnerOnly(fd.get(), path, PathKind::kSecretInput));
  auto too_large = [&] {
    return Status::Format(what + " " + path + " is larger than " + std::to_string(max_bytes) + " bytes");
  };
  // Size the locked buffer from the file, not from the cap: a 6 MB import
  // CSV read into a 64 MiB buffer paid for mapping, locking and wiping all
  // of it. A file that grows while we read it is read again up to the cap.
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return Status::FromErrno(errno, "cannot inspect", path);
  if (static_cast<std::uint64_t>(st.st_size) > max_bytes) return too_large();
  bool more = false;
  AKV_ASSIGN_OR_RETURN(SecretBuffer content, ReadUpTo(fd.get(), static_cast<std::size_t>(st.st_size), path, &more));
  if (more) {
    if (::lseek(fd.get(), 0, SEEK_SET) != 0) return Status::FromErrno(errno, "cannot read", path);
    AKV_ASSIGN_OR_RETURN(content, ReadUpTo(fd.get(), max_bytes, path, &more));
    if (more) return too_large();
  }
  return content;
}

Result<Bytes> ReadPublicFile(const std::string& path, const std::string& what, std::size_t max_bytes) {
  AKV_ASSIGN_OR_RETURN(int raw_fd, OpenInput(path, what));
  Fd fd(raw_fd);
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return Status::FromErrno(errno, "cannot inspect", path);
  if (static_cast<std::uint64_t>(st.st_size) > max_bytes) {
    return Status::Format(what + " " + path + " is larger than " + std::to_string(max_bytes) + " bytes",
                          "check that this is the right file");
  }
  Bytes out;
  out.resize(max_bytes + 1 < 65536 ? max_bytes + 1 : 65536);
  std::size_t got = 0;
  for (;;) {
    if (got == out.size()) {
      if (out.size() > max_bytes) break;
      out.resize(std::min(out.size() * 2, max_bytes + 1));
    }
    ssize_t n = ::read(fd.get(), out.data() + got, out.size() - got);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::Io("cannot read " + path + ": " + std::strerror(errno));
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  if (got > max_bytes) {
    return Status::Format(what + " " + path + " is larger than " + std::to_string(max_bytes) + " bytes",
                          "check that this is the right file");
  }
  out.resize(got);
  return out;
}

Result<PendingFile> PendingFile::Prepare(const std::string& path, ByteView data, const WriteOptions& options) {
  // Everything from the walk to the last byte happens as the target user.
  AKV_ASSIGN_OR_RETURN(ActAsUser as_user, ActAsUser::Begin(options.as_user));
  AKV_ASSIGN_OR_RETURN(OutputLocation location, OutputLocation::Open(path, options.what, RulesFor(options)));
  PendingFile pending;
  pending.path_ = path;
  pending.final_name_ = location.name();
  pending.replace_ = options.replace;
  pending.as_user_ = options.as_user;
  const std::string parent = ParentOf(path);
  pending.dir_fd_ = ::dup(location.dir_fd());
  if (pending.dir_fd_ < 0) return Status::Io("cannot hold folder " + parent + " open: " + std::strerror(errno));

  int fd = -1;
  for (int attempt = 0; attempt < 16 && fd < 0; ++attempt) {
    pending.temp_name_ = NewTempName(pending.final_name_);
    fd = ::openat(pending.dir_fd_, pending.temp_name_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                  0600);
    if (fd < 0 && errno != EEXIST) {
      int err = errno;
      pending.temp_name_.clear();
      if (err == EROFS) return Status::Io("cannot write in " + parent + ": read-only filesystem");
      return Status::FromErrno(err, "cannot create a file in", parent);
    }
  }
  if (fd < 0) {
    pending.temp_name_.clear();
    return Status::Io("cannot create a temporary file in " + parent + " (names taken)");
  }
  Fd file(fd);
  // The mode passed to open is masked by the umask; fchmod makes it exact.
  if ((options.mode & 077) != 0 || (options.mode & 0600) == 0) {
    return Status::Internal("a secret file mode must be owner-only");
  }
  if (::fchmod(file.get(), options.mode) != 0) return Status::FromErrno(errno, "cannot set mode on", path);
  AKV_RETURN_IF_ERROR(WriteAll(file.get(), data, path));
  AKV_RETURN_IF_ERROR(FsyncOrFail(file.get(), path));
  if (::close(file.release()) != 0) return Status::Io("cannot close " + path + ": " + std::strerror(errno));
  return pending;
}

PendingFile::PendingFile(PendingFile&& other) noexcept
    : dir_fd_(std::exchange(other.dir_fd_, -1)),
      as_user_(other.as_user_),
      path_(std::move(other.path_)),
      temp_name_(std::exchange(other.temp_name_, {})),
      final_name_(std::move(other.final_name_)),
      replace_(other.replace_),
      published_(other.published_) {}

PendingFile::~PendingFile() {
  if (dir_fd_ < 0) return;
  if (!published_ && !temp_name_.empty()) {
    // As the user who made it: root's own rights must not reach further.
    Result<ActAsUser> as_user = ActAsUser::Begin(as_user_);
    if (as_user.ok()) ::unlinkat(dir_fd_, temp_name_.c_str(), 0);
  }
  ::close(dir_fd_);
}

Status PendingFile::Publish() {
  AKV_ASSIGN_OR_RETURN(ActAsUser as_user, ActAsUser::Begin(as_user_));
  int rc;
  if (replace_) {
    rc = ::renameat(dir_fd_, temp_name_.c_str(), dir_fd_, final_name_.c_str());
  } else {
    rc = ::renameat2(dir_fd_, temp_name_.c_str(), dir_fd_, final_name_.c_str(), RENAME_NOREPLACE);
    if (rc != 0 && (errno == EINVAL || errno == ENOSYS)) {
      // Filesystems without RENAME_NOREPLACE: link(2) also refuses to replace.
      rc = ::linkat(dir_fd_, temp_name_.c_str(), dir_fd_, final_name_.c_str(), 0);
      if (rc == 0) ::unlinkat(dir_fd_, temp_name_.c_str(), 0);
    }
  }
  if (rc != 0) {
    int err = errno;
    if (err == EEXIST)
      return Status::Conflict(path_ + " already exists", "choose another path, or pass --force to replace it");
    return Status::Io("cannot move the new file into place at " + path_ + ": " + std::strerror(err),
                      "nothing was replaced");
  }
  published_ = true;
  // Make the rename itself durable.
  if (::fsync(dir_fd_) != 0) {
    return Status::Io("wrote " + path_ + " but could not flush its folder: " + std::strerror(errno));
  }
  return Status::Ok();
}

Status WriteFileAtomic(const std::string& path, ByteView data, const WriteOptions& options) {
  AKV_ASSIGN_OR_RETURN(PendingFile pending, PendingFile::Prepare(path, data, options));
  return pending.Publish();
}

Status CreateEmptyPrivateFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    int err = errno;
    if (err == EEXIST) return Status::Conflict(path + " already exists", "refusing to overwrite it");
    return Status::FromErrno(err, "cannot create", path);
  }
  Fd file(fd);
  if (::fchmod(file.get(), 0600) != 0) return Status::FromErrno(errno, "cannot set mode on", path);
  return Status::Ok();
}

Status EnsurePrivateFolder(const std::string& path) {
  if (::mkdir(path.c_str(), 0700) == 0) {
    // mkdir's mode is masked by the umask; make it exact.
    if (::chmod(path.c_str(), 0700) != 0) return Status::FromErrno(errno, "cannot set mode on", path);
  } else if (errno != EEXIST) {
    return Status::FromErrno(errno, "cannot create folder", path);
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::FromErrno(errno, "cannot open folder", path);
  Fd dir(fd);
  return CheckOwnerOnly(dir.get(), path, PathKind::kVaultFolder);
}

}  // namespace akv
