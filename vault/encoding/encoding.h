// Text encodings for non-secret bytes and for keys printed to users.
//
// Every decoder here is strict: it accepts exactly one spelling of each byte
// string (canonical padding, no stray characters), so that no input can be
// read two ways. Lenient spelling (Crockford's I/L -> 1, O -> 0, hyphens) is
// a separate, explicit function.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "vault/bytes.h"

namespace akv {

std::string HexEncode(ByteView bytes);
std::optional<Bytes> HexDecode(std::string_view text);  // lowercase only

// RFC 4648 base64 with '=' padding. Decode rejects whitespace, non-alphabet
// characters, missing or extra padding and non-zero trailing bits.
std::string Base64Encode(ByteView bytes);
std::optional<Bytes> Base64Decode(std::string_view text);

// Crockford base32 alphabet: 0-9 A-Z without I L O U.
inline constexpr std::string_view kCrockfordAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
// The value of one Crockford symbol, reading i/I/l/L as 1 and o/O as 0 and
// accepting lowercase; -1 for anything else.
int CrockfordValue(char c);
// Big-endian bit packing of bytes into Crockford symbols (uppercase), last
// symbol zero-padded.
std::string Base32Encode(ByteView bytes);
// Strict inverse of Base32Encode for `n_bytes` bytes: exact length, canonical
// alphabet in the case given by `lowercase`, zero padding bits.
std::optional<Bytes> Base32Decode(std::string_view text, std::size_t n_bytes, bool lowercase);

}  // namespace akv
