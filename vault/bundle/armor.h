// ASCII armor: a bundle as text that survives email and chat.
//
//   -----BEGIN AKVAULT BUNDLE-----
//   <canonical padded base64, 64 characters per line, the last line shorter>
//   -----END AKVAULT BUNDLE-----
//
// DearmorBundle is strict (A9) so each bundle has exactly one armored
// spelling up to two tolerated transport accidents: CRLF line endings, and
// whitespace (space, tab, CR, LF) before BEGIN or after END. Everything else
// is kFormat: a NUL or non-ASCII byte, a body line of the wrong length,
// non-canonical base64, a missing END line, text after it. So
// ArmorBundle(DearmorBundle(x)) equals x with those accidents undone (the
// armor fuzz target checks this).
#pragma once

#include <string>
#include <string_view>

#include "vault/bytes.h"
#include "vault/status.h"

namespace akv {

std::string ArmorBundle(ByteView bundle);
// kFormat unless `text` is one armored block (see above) of at most
// kArmoredMaxBytes whose content is at most kBundleMaxBytes.
Result<Bytes> DearmorBundle(std::string_view text);
// True when `data`, after leading whitespace, starts with the BEGIN line:
// the caller should dearmor rather than parse.
bool LooksArmored(ByteView data);

}  // namespace akv
