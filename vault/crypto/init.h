// Library start-up: sodium_init, checked. Fails closed: a process that cannot
// initialise libsodium (no entropy source) must not handle a secret at all.
#pragma once

#include "vault/status.h"

namespace akv {

Status InitCrypto();

}  // namespace akv
