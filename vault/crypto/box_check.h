// Validity checks for X25519 public keys that box.h lacks.
//
// A low-order point (all zero, 1, the order-8 points, p-1, p, p+1 and their
// high-bit twins) makes every shared secret predictable or zero. One as a
// recipient's public key would make crypto_box_seal fail (BoxSeal does not
// report it) and one as a stanza's ephemeral key can only come from an
// attacker (A14), so both are refused before any sealing or opening.
#pragma once

#include "vault/bytes.h"

namespace akv {

// True when `point` (32 bytes) is of small order on Curve25519 or its twist,
// i.e. multiplying it by a cofactor-clearing scalar gives the all-zero
// point. False for a wrong size too (callers check sizes first).
bool IsLowOrderPoint(ByteView point);

}  // namespace akv
