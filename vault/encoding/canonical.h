// A canonical, unambiguous byte encoding for associated data and MAC input:
// every field is a 4-byte big-endian length followed by its bytes, optional
// fields carry a presence byte first. Two different field lists can never
// encode to the same bytes, so "owner=ab, app=c" and "owner=a, app=bc" differ.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "vault/bytes.h"

namespace akv {

class CanonicalWriter {
 public:
  explicit CanonicalWriter(std::string_view domain) : out_(own_) { Field(AsBytes(domain)); }
  // Writes into `out` (cleared first) instead of a buffer of its own, for
  // callers that encode many records in a row and keep one buffer's capacity.
  CanonicalWriter(Bytes& out, std::string_view domain) : out_(out) {
    out_.clear();
    Field(AsBytes(domain));
  }
  CanonicalWriter(const CanonicalWriter&) = delete;
  CanonicalWriter& operator=(const CanonicalWriter&) = delete;

  CanonicalWriter& Field(ByteView bytes) {
    AppendU32BE(out_, static_cast<std::uint32_t>(bytes.size()));
    Append(out_, bytes);
    return *this;
  }
  CanonicalWriter& Text(std::string_view text) { return Field(AsBytes(text)); }
  CanonicalWriter& Number(std::int64_t value) {
    AppendU32BE(out_, 8);
    AppendU64BE(out_, static_cast<std::uint64_t>(value));
    return *this;
  }
  // A presence byte, then the text when there is one.
  CanonicalWriter& OptionalText(const std::string* text) {
    out_.push_back(text ? 1 : 0);
    return text ? Text(*text) : *this;
  }
  CanonicalWriter& OptionalText(const std::optional<std::string>& text) { return OptionalText(text ? &*text : nullptr); }
  const Bytes& bytes() const { return out_; }

 private:
  Bytes own_;
  Bytes& out_;
};

}  // namespace akv
