#include "vault/fs/act_as_user.h"

#include <grp.h>
#include <sys/fsuid.h>
#include <unistd.h>

#include <utility>

namespace akv {
namespace {

// setfsuid/setfsgid report the previous id and never fail loudly; asking
// with an invalid id (-1) changes nothing and returns the current one.
uid_t CurrentFsuid() { return static_cast<uid_t>(::setfsuid(static_cast<uid_t>(-1))); }
gid_t CurrentFsgid() { return static_cast<gid_t>(::setfsgid(static_cast<gid_t>(-1))); }

}  // namespace

Result<ActAsUser> ActAsUser::Begin(const std::optional<UserIdentity>& who) {
  ActAsUser scope;
  if (!who) return scope;
  const int count = ::getgroups(0, nullptr);
  if (count < 0) return Status::Internal("cannot read the supplementary groups");
  scope.saved_groups_.resize(static_cast<std::size_t>(count));
  if (count > 0 && ::getgroups(count, scope.saved_groups_.data()) != count) {
    return Status::Internal("cannot read the supplementary groups");
  }
  scope.saved_fsuid_ = CurrentFsuid();
  scope.saved_fsgid_ = CurrentFsgid();
  const gid_t only_group = who->gid;
  if (::setgroups(1, &only_group) != 0) {
    return Status::Permission("cannot act as uid " + std::to_string(who->uid) + " to create files",
                              "run as root to install a file for another user");
  }
  // Group first: once fsuid is not root, CAP_SETGID still holds, but keep
  // the order that never leaves a window with the user's uid and root's gid.
  ::setfsgid(who->gid);
  ::setfsuid(who->uid);
  scope.active_ = true;
  if (CurrentFsgid() != who->gid || CurrentFsuid() != who->uid) {
    return Status::Permission("cannot act as uid " + std::to_string(who->uid) + " to create files",
                              "run as root to install a file for another user");
  }
  return scope;
}

ActAsUser::ActAsUser(ActAsUser&& other) noexcept
    : active_(std::exchange(other.active_, false)),
      saved_fsuid_(other.saved_fsuid_),
      saved_fsgid_(other.saved_fsgid_),
      saved_groups_(std::move(other.saved_groups_)) {}

ActAsUser::~ActAsUser() {
  if (!active_) return;
  ::setfsuid(saved_fsuid_);
  ::setfsgid(saved_fsgid_);
  ::setgroups(saved_groups_.size(), saved_groups_.data());
}

}  // namespace akv
