#include "vault/crypto/box_check.h"

#include <sodium.h>

namespace akv {

bool IsLowOrderPoint(ByteView point) {
  if (point.size() != crypto_scalarmult_BYTES) return false;
  // Any scalar works: crypto_scalarmult clamps it to a multiple of 8, which
  // sends exactly the low-order points to zero, and then reports that as -1
  // (libsodium also rejects its list of small-order encodings up front).
  unsigned char scalar[crypto_scalarmult_SCALARBYTES];
  for (unsigned char& b : scalar) b = 0x5a;
  unsigned char out[crypto_scalarmult_BYTES];
  const bool low = crypto_scalarmult(out, scalar, point.data()) != 0;
  sodium_memzero(out, sizeof out);
  return low;
}

}  // namespace akv
