// Where an output file goes, resolved the way only a safe write may be.
//
// Every file akvault writes for the user (open --out, keygen --out, export
// --out and its --password-file) is placed through an OutputLocation, which
// opens the destination folder so that:
// - no component of the path is a symbolic link: the path is made absolute
//   (a relative one is taken from the current folder, which getcwd reports
//   without links) and walked from "/" one component at a time, each opened
//   O_DIRECTORY|O_NOFOLLOW relative to the one before, through openat2 with
//   RESOLVE_NO_SYMLINKS where the kernel has it. As no component may be a
//   link, "." and ".." are resolved by name before the walk.
// - no folder on the way is writable by group or others without the sticky
//   bit (like /tmp has): anyone could otherwise swap a folder or the file
//   after it was written. The message names the folder and the chmod.
// - missing folders are created mode 0700 (exactly: the umask does not
//   matter) when the rules allow it; an existing folder is left as it is.
// - with `as_user`, the walk, the new folders and (through ActAsUser in the
//   caller) the file are made with that user's filesystem ids: root never
//   enters or writes a folder the user could not, and what it creates
//   belongs to the user.
// The folder is held as a descriptor, so renaming or relinking a component
// after the walk changes nothing about where the file lands.
#pragma once

#include <optional>
#include <string>

#include "vault/fs/act_as_user.h"
#include "vault/fs/unique_fd.h"
#include "vault/status.h"

namespace akv {

struct OutputRules {
  // Replace an existing file (the final rename replaces it atomically).
  bool replace = false;
  // Create missing folders 0700 (owned by `as_user` when set).
  bool create_parents = true;
  // Walk and create as this user (root installing for a service account).
  std::optional<UserIdentity> as_user;
};

class OutputLocation {
 public:
  // Opens (creating as the rules allow) the folder of `path`, then checks
  // the last component: a symlink there is kPermission (never written
  // through, even with `replace`), a non-regular file kConflict, an
  // existing file without `replace` kConflict. `what` names the option in
  // messages ("--out"). Call it inside ActAsUser when `as_user` is set.
  static Result<OutputLocation> Open(const std::string& path, const std::string& what, const OutputRules& rules);

  // The same checks on what exists today, creating nothing: missing folders
  // are fine (they would be created). The early check before any work, so a
  // bad path fails before a password is asked. Switches to `as_user` itself.
  static Status Check(const std::string& path, const std::string& what, const OutputRules& rules);

  int dir_fd() const { return dir_.get(); }
  // The last component (the file name inside dir_fd()).
  const std::string& name() const { return name_; }
  // The path as the user gave it, for messages.
  const std::string& path() const { return path_; }

 private:
  OutputLocation() = default;
  UniqueFd dir_;
  std::string name_;
  std::string path_;
};

}  // namespace akv
