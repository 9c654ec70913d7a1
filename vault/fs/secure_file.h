// The filesystem edge: every file akvault reads or writes that matters for
// security goes through here.
//
// Reading: secret inputs (passphrase, bundle password, identity) must be
// regular files owned by us with no group or other permission bits, checked
// with fstat on the opened descriptor (never stat on the path, which races).
// Opening uses O_NONBLOCK so a FIFO can never make us hang.
//
// Writing: a file holding a secret is written to an unpredictable temporary
// name in the destination folder (O_CREAT|O_EXCL|O_NOFOLLOW, mode 0600,
// fchmod), fsynced, renamed into place, and the folder fsynced. All of it
// happens relative to one folder descriptor from OutputLocation (no symlink
// in any component, no folder others could swap, missing folders made 0700),
// so swapping a path component mid-run changes nothing. On any failure the
// destination is left as it was and the temporary is removed.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

#include "vault/bytes.h"
#include "vault/crypto/secret.h"
#include "vault/fs/output_location.h"
#include "vault/status.h"

namespace akv {

// Largest secret input we read (first line of --passphrase-file and the like).
inline constexpr std::size_t kMaxSecretLineBytes = 1024;

// What a checked path is, for the wording of the message and the fix.
enum class PathKind { kVaultFile, kVaultFolder, kSecretInput };

// kPermission unless `fd` (opened from `path`) is owned by the effective
// user and has no group/other permission bits. The message names the path and
// the chmod (600 for files, 700 for folders) that fixes it.
Status CheckOwnerOnly(int fd, const std::string& path, PathKind kind);

// Checks every folder above `path` up to "/": each must be owned by root or
// by us and must not be writable by group or others unless it has the sticky
// bit (like /tmp), since otherwise someone else could swap our files.
Status CheckAncestors(const std::string& path);

// Reads the first line of a secret input file: one trailing "\n" or "\r\n"
// is removed; an empty line or one over kMaxSecretLineBytes is kInput; a
// FIFO, folder or device is kPermission ("not a regular file"); a loose mode
// is kPermission. `what` names the option in messages ("--passphrase-file").
Result<SecretBuffer> ReadSecretLine(const std::string& path, const std::string& what);

// Reads a whole secret file (an identity) with the same checks, up to max_bytes.
Result<SecretBuffer> ReadSecretFile(const std::string& path, const std::string& what, std::size_t max_bytes);

// Reads a non-secret input (a bundle, a CSV) that must be a regular file of
// at most max_bytes; kFormat "... is larger than ..." before reading it all.
Result<Bytes> ReadPublicFile(const std::string& path, const std::string& what, std::size_t max_bytes);

struct WriteOptions {
  // Names the output in messages ("--out").
  std::string what = "output";
  // Replace an existing destination (atomically). Without it an existing file
  // is kConflict and is never touched; the check and the final link are one
  // step (renameat2 RENAME_NOREPLACE), so there is no window.
  bool replace = false;
  // Create missing folders of the path, mode 0700.
  bool create_parents = true;
  // Make the folders and the file as this user (root installing for a
  // service account, `open --chown`): see ActAsUser. The file is theirs
  // because they created it, and only where they could have.
  std::optional<UserIdentity> as_user;
  // The final mode: 0600, or 0400 for a file that must stay read-only to its
  // owner (config.json in External mode: see docs/howto-server.md). Only
  // owner bits are accepted; anything wider is refused as a bug.
  mode_t mode = 0600;
};

// Writes `data` to `path` owner-only and atomically, as described above.
Status WriteFileAtomic(const std::string& path, ByteView data, const WriteOptions& options);

// A written-but-not-yet-published file: Prepare writes and fsyncs the
// temporary; Publish renames it into place; the destructor removes it if it
// was never published. Lets a caller commit other state (the vault's record
// of an export) between the two steps.
class PendingFile {
 public:
  static Result<PendingFile> Prepare(const std::string& path, ByteView data, const WriteOptions& options);
  PendingFile(PendingFile&& other) noexcept;
  PendingFile& operator=(PendingFile&&) = delete;
  PendingFile(const PendingFile&) = delete;
  ~PendingFile();
  Status Publish();
  const std::string& path() const { return path_; }
  // True once the file is in place, even if flushing its folder then failed.
  bool published() const { return published_; }

 private:
  PendingFile() = default;
  int dir_fd_ = -1;
  std::optional<UserIdentity> as_user_;
  std::string path_;
  std::string temp_name_;
  std::string final_name_;
  bool replace_ = false;
  bool published_ = false;
};

// Creates `path` as an empty owner-only file with O_CREAT|O_EXCL|O_NOFOLLOW
// (kConflict if it exists). Used to pre-create the vault before SQLite opens
// it, so SQLite never picks the mode.
Status CreateEmptyPrivateFile(const std::string& path);

// Creates the folder with mode 0700 if missing (mkdir then chmod, so the
// umask does not matter) and checks it is owner-only.
Status EnsurePrivateFolder(const std::string& path);

// The folder part of a path ("." when there is none) and the last component.
std::string ParentOf(const std::string& path);
std::string BaseName(const std::string& path);

// True if something exists at `path` (lstat: a dangling symlink exists).
bool PathExists(const std::string& path);

// The early check of an output path, before any work: OutputLocation::Check
// (a symlink anywhere in the path or a folder others could swap is
// kPermission; an existing non-regular file or, without `replace`, an
// existing file is kConflict). `what` names the option in messages
// ("--out"). WriteFileAtomic checks again at the moment of writing; this
// only fails fast.
Status CheckOutputPath(const std::string& path, const std::string& what, const WriteOptions& options);
Status CheckOutputPath(const std::string& path, const std::string& what, bool replace);

// True when the two paths name the same file: same real folder and same
// last component (neither needs to exist yet).
bool SamePath(const std::string& a, const std::string& b);

}  // namespace akv
