// Creating files as another user would: root installing a credentials file
// for a service account (`open --chown svc`) must never write where svc
// itself could not, or svc could point root at a root-only folder (a symlink
// or a renamed folder in its own tree) and have root replace a file there.
//
// For its lifetime, ActAsUser switches the filesystem uid and gid of the
// process (setfsuid/setfsgid, which only govern permission checks and the
// owner of new files) and its supplementary groups (to the user's primary
// group alone: root's own groups would otherwise still open group-root
// folders) to the target user's, and restores all three when it ends. The
// real and effective ids do not change, so signals, ptrace and /proc stay
// root's. akvault is single-threaded; fsuid is per thread.
#pragma once

#include <sys/types.h>

#include <optional>
#include <vector>

#include "vault/status.h"

namespace akv {

struct UserIdentity {
  uid_t uid = 0;
  gid_t gid = 0;
};

class ActAsUser {
 public:
  // With no identity, does nothing (the process acts as itself). kPermission
  // when the switch does not take (not root); nothing is changed then.
  static Result<ActAsUser> Begin(const std::optional<UserIdentity>& who);
  ActAsUser(ActAsUser&& other) noexcept;
  ActAsUser& operator=(ActAsUser&&) = delete;
  ActAsUser(const ActAsUser&) = delete;
  ~ActAsUser();

 private:
  ActAsUser() = default;
  bool active_ = false;
  uid_t saved_fsuid_ = 0;
  gid_t saved_fsgid_ = 0;
  std::vector<gid_t> saved_groups_;
};

}  // namespace akv
