// The three ways `export` hands over a generated bundle password, each
// keeping it out of argv, the environment, logs and the bundle itself.
#pragma once

#include <string>

#include "cli/io.h"
#include "vault/crypto/secret.h"
#include "vault/status.h"

namespace akv::cli {

// Writes "<password>\n" to a new owner-only file (never overwrites:
// kConflict if it exists), atomically, so a crash never leaves it empty.
// `created` is set once the file is in place, which can happen before a
// failure (flushing its folder), so the caller knows the file is its own.
Status WritePasswordFile(const std::string& path, const SecretBuffer& password, bool& created);

// Runs `/bin/sh -c COMMAND` with "<password>\n" on its standard input; the
// password is never in its argv or environment. Fails unless it exits 0.
Status RunPasswordCommand(const std::string& command, const SecretBuffer& password);

// Prints the password once on standard error with a reminder to send it by
// another channel than the bundle.
Status ShowPasswordOnStderr(Io& io, const SecretBuffer& password);

}  // namespace akv::cli
