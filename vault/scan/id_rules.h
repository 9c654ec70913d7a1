// What counts as an Alibaba Cloud AccessKey ID, and what is a decoy.
//
// An ID is "LTAI" (case-sensitive) followed by exactly 20 ASCII letters or
// digits (the current form, 24 characters) or exactly 12 (the legacy form,
// 16 characters), with no ASCII letter or digit right before or after it.
// Only ASCII alphanumerics bound it: an ID glued to CJK text, an XML tag, a
// URL's `&` or `:`, a CSV comma or a NUL in a binary is still an ID, while
// "LTAI" inside a longer alphanumeric token is not one.
//
// A well-formed ID can still be a placeholder a human typed into docs or a
// template (LTAIxxxxxxxxxxxxxxxxxxxx, LTAI5tEXAMPLE...). IsPlaceholderId
// says so; the scanner still reports a placeholder when the vault holds that
// exact ID (docs/design.md, "Leak scan").
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace akv::scan {

inline constexpr std::string_view kIdPrefix = "LTAI";
inline constexpr std::size_t kIdLength = 24;
inline constexpr std::size_t kLegacyIdLength = 16;
// Alibaba Cloud AccessKey Secrets are 30 ASCII letters and digits.
inline constexpr std::size_t kSecretLength = 30;

inline bool IsAsciiAlnum(std::uint8_t c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

// Shannon entropy of `text` in bits per character (0 for empty text).
double ShannonEntropy(std::string_view text);

// True when a well-formed ID (kIdLength or kLegacyIdLength, "LTAI" prefix)
// looks typed by a human rather than issued by the cloud: a low-entropy body
// (runs of one character, "XXXX", "1234..."), a placeholder word
// (example, sample, dummy, your, fake, placeholder, xxxx, test key...) or a
// long ascending or repeated sequence.
bool IsPlaceholderId(std::string_view id);

}  // namespace akv::scan
