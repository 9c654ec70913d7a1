// Reading the current content of a credentials file that akvault is about to
// merge into (open --format ini|aliyun, configure-external): it holds other
// secrets, so it is read into secure memory and held to the rules of a
// secret input.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

#include "vault/crypto/secret.h"
#include "vault/status.h"

namespace akv {

struct ExistingFile {
  SecretBuffer text;
  mode_t mode = 0;  // permission bits
};

// nullopt when nothing is at `path`. Otherwise the file must be a regular
// file (never a symlink: kPermission), owned by the effective user or by
// `also_owner` (the --chown user a root install writes for), with no group
// or other bits (kPermission naming the chmod), and at most `max_bytes`
// (kFormat). `what` names the option in messages.
Result<std::optional<ExistingFile>> ReadExistingPrivateFile(const std::string& path, const std::string& what,
                                                            std::size_t max_bytes,
                                                            std::optional<uid_t> also_owner = std::nullopt);

}  // namespace akv
