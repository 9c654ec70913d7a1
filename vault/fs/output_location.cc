#include "vault/fs/output_location.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <vector>

namespace akv {
namespace {

std::string Octal(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

// The path as absolute components, "." and ".." applied by name (right
// only because no component may be a symlink, which the walk enforces).
Result<std::vector<std::string>> Components(const std::string& path) {
  std::string absolute = path;
  if (path.empty() || path[0] != '/') {
    char cwd[PATH_MAX];
    if (::getcwd(cwd, sizeof cwd) == nullptr) return Status::Io("cannot read the current folder");
    absolute = std::string(cwd) + "/" + path;
  }
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= absolute.size()) {
    std::size_t slash = absolute.find('/', start);
    if (slash == std::string::npos) slash = absolute.size();
    std::string part = absolute.substr(start, slash - start);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(std::move(part));
    }
    start = slash + 1;
  }
  return parts;
}

std::string Join(const std::vector<std::string>& parts, std::size_t count) {
  if (count == 0) return "/";
  std::string out;
  for (std::size_t i = 0; i < count; ++i) out += "/" + parts[i];
  return out;
}

// -1 with errno. openat2 refuses a symlink anywhere in `name` (one
// component here, so O_NOFOLLOW says the same; openat2 also refuses magic
// /proc links). Kernels before 5.6 answer ENOSYS: then plain openat.
// O_PATH: passing through a folder needs only search permission, as for
// any path lookup (a 0711 folder must not stop us where it would not stop
// the user); ReadableFolder reopens the folders we need to read or change.
int OpenFolderNoFollow(int dir_fd, const std::string& name) {
  static bool have_openat2 = true;
  const int flags = O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
  if (have_openat2) {
    struct open_how how;
    std::memset(&how, 0, sizeof how);
    how.flags = static_cast<std::uint64_t>(flags);
    how.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
    const long fd = ::syscall(SYS_openat2, dir_fd, name.c_str(), &how, sizeof how);
    if (fd >= 0 || (errno != ENOSYS && errno != EPERM)) return static_cast<int>(fd);
    // ENOSYS: old kernel; EPERM: a seccomp filter that blocks openat2.
    have_openat2 = false;
  }
  return ::openat(dir_fd, name.c_str(), flags);
}

// The same folder opened for reading (fchmod and fsync need more than O_PATH).
int ReadableFolder(int path_fd) { return ::openat(path_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC); }

Status WhyNotFolder(int parent_fd, const std::string& name, const std::string& shown, const std::string& path,
                    const std::string& what) {
  struct stat st;
  if (::fstatat(parent_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
    return Status::Permission(what + " " + path + ": " + shown + " is a symbolic link; refusing to follow it",
                              "give the real path, with no symbolic link in it");
  }
  return Status::Permission(what + " " + path + ": " + shown + " is not a folder", "check the path");
}

Status CheckNotSwappable(int fd, const std::string& shown, const std::string& path, const std::string& what) {
  struct stat st;
  if (::fstat(fd, &st) != 0) return Status::FromErrno(errno, "cannot inspect folder", shown);
  if ((st.st_mode & 022) != 0 && (st.st_mode & S_ISVTX) == 0) {
    return Status::Permission(what + " " + path + ": folder " + shown + " is writable by group or others (mode " +
                                  Octal(st.st_mode) + ") without the sticky bit, so anyone could swap the file",
                              "run: chmod go-w " + shown + " (or chmod +t), or choose another folder");
  }
  return Status::Ok();
}

Status AccessError(int err, const std::string& doing, const std::string& shown, const std::string& path,
                   const std::string& what, const OutputRules& rules) {
  if ((err == EACCES || err == EPERM) && rules.as_user) {
    return Status::Permission(what + " " + path + ": uid " + std::to_string(rules.as_user->uid) + " may not " + doing +
                                  " " + shown + ": " + std::strerror(err),
                              "the file is made as the --chown user: choose a path that user can write");
  }
  return Status::FromErrno(err, what + " " + path + ": cannot " + doing, shown);
}

// Opens the folder holding the last component; `create` makes missing
// ones. With `check_only`, a missing folder ends the walk with *missing.
Result<UniqueFd> WalkToParent(const std::vector<std::string>& parts, const std::string& path, const std::string& what,
                              const OutputRules& rules, bool check_only, bool* missing) {
  UniqueFd dir(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!dir.valid()) return AccessError(errno, "open", "/", path, what, rules);
  AKV_RETURN_IF_ERROR(CheckNotSwappable(dir.get(), "/", path, what));
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    const std::string& name = parts[i];
    const std::string shown = Join(parts, i + 1);
    int fd = OpenFolderNoFollow(dir.get(), name);
    bool created = false;
    if (fd < 0 && errno == ENOENT) {
      if (check_only) {
        *missing = true;
        return dir;
      }
      if (!rules.create_parents) return Status::NotFound(what + " " + path + ": folder " + shown + " does not exist");
      if (::mkdirat(dir.get(), name.c_str(), 0700) != 0 && errno != EEXIST) {
        return AccessError(errno, "create folder", shown, path, what, rules);
      }
      created = true;
      fd = OpenFolderNoFollow(dir.get(), name);
    }
    if (fd < 0) {
      const int err = errno;
      if (err == ELOOP || err == ENOTDIR || err == EXDEV) return WhyNotFolder(dir.get(), name, shown, path, what);
      return AccessError(err, "open folder", shown, path, what, rules);
    }
    UniqueFd next(fd);
    if (created || i + 2 == parts.size()) {
      const int readable = ReadableFolder(next.get());
      if (readable < 0) return AccessError(errno, "open folder", shown, path, what, rules);
      next = UniqueFd(readable);
    }
    if (created) {
      // mkdir's mode went through the umask: make it exactly 0700, but only
      // on a folder that is ours (EEXIST above may mean someone else's).
      struct stat st;
      if (::fstat(next.get(), &st) == 0 && st.st_uid == (rules.as_user ? rules.as_user->uid : ::geteuid()) &&
          (st.st_mode & 07777) != 0700) {
        if (::fchmod(next.get(), 0700) != 0) return Status::FromErrno(errno, "cannot set mode on", shown);
      }
    }
    AKV_RETURN_IF_ERROR(CheckNotSwappable(next.get(), shown, path, what));
    dir = std::move(next);
  }
  if (parts.size() == 1) {  // a file right under "/"
    const int readable = ReadableFolder(dir.get());
    if (readable < 0) return AccessError(errno, "open folder", "/", path, what, rules);
    dir = UniqueFd(readable);
  }
  return dir;
}

std::string ParentText(const std::vector<std::string>& parts) { return Join(parts, parts.size() - 1); }

Status CheckTarget(int dir_fd, const std::string& name, const std::string& path, const std::string& what,
                   bool replace) {
  struct stat st;
  if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return Status::Ok();
  if (S_ISLNK(st.st_mode)) {
    return Status::Permission(what + " " + path + " is a symbolic link; refusing to write through it",
                              "remove the link or choose another path");
  }
  if (!S_ISREG(st.st_mode)) return Status::Conflict(what + " " + path + " exists and is not a regular file");
  if (!replace) {
    return Status::Conflict(what + " " + path + " already exists",
                            "choose another path, or pass --force to replace it");
  }
  return Status::Ok();
}

Result<std::vector<std::string>> FileComponents(const std::string& path, const std::string& what) {
  const std::size_t slash = path.find_last_of('/');
  const std::string last = slash == std::string::npos ? path : path.substr(slash + 1);
  if (last.empty() || last == "." || last == "..") {
    return Status::Usage(what + " " + path + " does not name a file", "give a file path, e.g. " + what + " ./out");
  }
  AKV_ASSIGN_OR_RETURN(std::vector<std::string> parts, Components(path));
  if (parts.empty()) return Status::Usage(what + " " + path + " does not name a file");
  return parts;
}

}  // namespace

Result<OutputLocation> OutputLocation::Open(const std::string& path, const std::string& what,
                                            const OutputRules& rules) {
  AKV_ASSIGN_OR_RETURN(std::vector<std::string> parts, FileComponents(path, what));
  bool missing = false;
  AKV_ASSIGN_OR_RETURN(UniqueFd dir, WalkToParent(parts, path, what, rules, /*check_only=*/false, &missing));
  AKV_RETURN_IF_ERROR(CheckTarget(dir.get(), parts.back(), path, what, rules.replace));
  OutputLocation location;
  location.dir_ = std::move(dir);
  location.name_ = parts.back();
  location.path_ = path;
  return location;
}

Status OutputLocation::Check(const std::string& path, const std::string& what, const OutputRules& rules) {
  AKV_ASSIGN_OR_RETURN(std::vector<std::string> parts, FileComponents(path, what));
  AKV_ASSIGN_OR_RETURN(ActAsUser scope, ActAsUser::Begin(rules.as_user));
  bool missing = false;
  AKV_ASSIGN_OR_RETURN(UniqueFd dir, WalkToParent(parts, path, what, rules, /*check_only=*/true, &missing));
  if (missing) return Status::Ok();
  // Fail before any work where the file could not be made: AT_EACCESS asks
  // with the ids that govern file access, so the --chown user's.
  if (::faccessat(dir.get(), ".", W_OK | X_OK, AT_EACCESS) != 0 &&
      (errno == EACCES || errno == EPERM || errno == EROFS)) {
    return AccessError(errno, "write in folder", ParentText(parts), path, what, rules);
  }
  return CheckTarget(dir.get(), parts.back(), path, what, rules.replace);
}

}  // namespace akv
