// Finds a local user's uid and gid for `open --chown USER`.
//
// akvault is one static binary (docs/design.md, "Start-up and linking"), so
// it does not call getpwnam: a static glibc would load the system's NSS
// modules (files, sss, ldap, ...) built for whatever glibc the system has,
// which breaks as soon as the two differ. It asks the system's own
// `getent passwd USER` instead, which answers through the system's NSS
// configuration whatever the user database is.
#pragma once

#include <string>
#include <string_view>
#include <sys/types.h>

#include "vault/status.h"

namespace akv::cli {

struct UserIds {
  uid_t uid = 0;
  gid_t gid = 0;
};

// kUsage for a name that could never be a user (empty, starting with '-',
// or holding ':', '/', whitespace or control characters); kNotFound when the
// system knows no such user; kInternal when getent cannot be run or answers
// something that is not a passwd line for `name`.
Result<UserIds> LookUpUser(const std::string& name);

// The uid and gid of `line` ("name:password:uid:gid:gecos:home:shell"), which
// must be the entry of `name`. Pure, so it is tested on its own.
Result<UserIds> ParsePasswdLine(std::string_view line, std::string_view name);

}  // namespace akv::cli
