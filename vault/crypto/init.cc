#include "vault/crypto/init.h"

#include <sodium.h>

namespace akv {

Status InitCrypto() {
  if (sodium_init() < 0) {
    return Status::Internal("libsodium failed to initialise (no entropy source?)",
                            "check that /dev/urandom or getrandom(2) is available");
  }
  return Status::Ok();
}

}  // namespace akv
