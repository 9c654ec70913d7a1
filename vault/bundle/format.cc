#include "vault/bundle/format.h"

#include <algorithm>
#include <string>

namespace akv {
namespace {

const char kAskAgain[] = "ask the sender for the bundle again (it may have been damaged in transit)";

Status Damaged(const std::string& what) { return Status::Format("bundle is damaged: " + what, kAskAgain); }
Status Truncated() {
  return Status::Format("bundle is truncated", "the file was cut short; ask the sender for it again");
}

// Reads fixed-width fields front to back; every read is bounds-checked.
class Reader {
 public:
  explicit Reader(ByteView data) : data_(data) {}
  bool Has(std::size_t n) const { return data_.size() - pos_ >= n; }
  std::size_t remaining() const { return data_.size() - pos_; }
  std::size_t pos() const { return pos_; }
  ByteView Take(std::size_t n) {
    ByteView out = data_.subspan(pos_, n);
    pos_ += n;
    return out;
  }
  std::uint8_t U8() { return Take(1)[0]; }
  std::uint32_t U32() { return ReadU32BE(Take(4).data()); }
  std::uint64_t U64() { return ReadU64BE(Take(8).data()); }
  template <std::size_t N>
  void Into(std::array<std::uint8_t, N>& out) {
    ByteView v = Take(N);
    std::copy(v.begin(), v.end(), out.begin());
  }

 private:
  ByteView data_;
  std::size_t pos_ = 0;
};

bool IsVersionChar(std::uint8_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
}

// The magic line: "not an akvault bundle", "unsupported bundle version vN",
// or truncated.
Status CheckMagic(ByteView raw) {
  const ByteView prefix = AsBytes(kBundleMagicPrefix);
  if (raw.size() < prefix.size() || !std::equal(prefix.begin(), prefix.end(), raw.begin())) {
    return Status::Format("not an akvault bundle",
                          "check the file name: `akvault open` reads files from `akvault export`");
  }
  if (raw.size() >= kBundleMagic.size() && std::equal(kBundleMagic.begin(), kBundleMagic.end(), raw.begin())) {
    return Status::Ok();
  }
  ByteView rest = raw.subspan(prefix.size());
  const std::string_view expected_rest = kBundleMagic.substr(kBundleMagicPrefix.size());
  if (rest.size() < expected_rest.size() && AsText(rest) == expected_rest.substr(0, rest.size())) return Truncated();
  std::size_t n = 0;
  while (n < rest.size() && n < 16 && IsVersionChar(rest[n])) ++n;
  const bool readable = n > 0 && n < rest.size() && rest[n] == '\n';
  return Status::Format("unsupported bundle version" + (readable ? " " + std::string(AsText(rest.first(n))) : ""),
                        "upgrade akvault to a version that reads it");
}

Status ReadPasswordSection(Reader& in, BundleHeader& h) {
  if (!in.Has(1 + 4 + 8 + kKdfSaltBytes)) return Truncated();
  h.kdf_alg = in.U8();
  h.kdf.ops = in.U32();
  h.kdf.mem_bytes = in.U64();
  // A7: refuse hostile Argon2 parameters here, long before any derivation.
  Status bounds = CheckKdfBounds(h.kdf_alg, h.kdf);
  if (!bounds.ok()) return Status::Format("bundle's key derivation: " + bounds.message(), kAskAgain);
  in.Into(h.salt);
  return Status::Ok();
}

Status ReadStanzas(Reader& in, BundleHeader& h) {
  if (!in.Has(1)) return Truncated();
  const std::size_t count = in.U8();
  if (count == 0 || count > kBundleMaxRecipients) {
    return Damaged(std::to_string(count) + " recipient stanzas (accepted: 1 to " +
                   std::to_string(kBundleMaxRecipients) + ")");
  }
  const std::size_t size = StanzaBytesFor(h.mode);
  if (!in.Has(count * size)) return Truncated();
  for (std::size_t i = 0; i < count; ++i) {
    ByteView stanza = in.Take(size);
    for (const Bytes& earlier : h.stanzas) {
      // A11: one ephemeral key per stanza; a repeat can only be crafted.
      if (std::equal(earlier.begin(), earlier.begin() + 32, stanza.begin())) {
        return Damaged("two recipient stanzas share an ephemeral key");
      }
    }
    h.stanzas.emplace_back(stanza.begin(), stanza.end());
  }
  return Status::Ok();
}

Status ReadHeader(Reader& in, BundleHeader& h) {
  in.Take(kBundleMagic.size());
  if (!in.Has(kBundleIdBytes + 8 + 8 + 1)) return Truncated();
  in.Into(h.bundle_id);
  const std::uint64_t created = in.U64();
  const std::uint64_t expires = in.U64();
  const std::uint64_t max_time = static_cast<std::uint64_t>(kBundleMaxTime);
  if (created > max_time || expires > max_time) return Damaged("a time field is past the year 9999");
  if (created > expires) return Damaged("it expires before it was created");
  h.created = static_cast<std::int64_t>(created);
  h.expires = static_cast<std::int64_t>(expires);
  const std::uint8_t mode = in.U8();
  if (mode < 1 || mode > 3) {
    return Status::Format("bundle has unknown mode " + std::to_string(mode),
                          "upgrade akvault, or ask the sender again");
  }
  h.mode = static_cast<BundleMode>(mode);
  if (ModeUsesPassword(h.mode)) AKV_RETURN_IF_ERROR(ReadPasswordSection(in, h));
  if (h.mode == BundleMode::kPassword) {
    if (!in.Has(kAeadNonceBytes + kBundleWrapBytes)) return Truncated();
    in.Into(h.wrap_nonce);
    in.Into(h.wrap);
  }
  if (ModeUsesRecipients(h.mode)) AKV_RETURN_IF_ERROR(ReadStanzas(in, h));
  return Status::Ok();
}

}  // namespace

Result<ParsedBundle> ParseBundle(ByteView raw) {
  if (raw.size() > kBundleMaxBytes) {
    return Status::Format("bundle is larger than 1 MiB", "this is not a bundle made by `akvault export`");
  }
  AKV_RETURN_IF_ERROR(CheckMagic(raw));
  ParsedBundle out;
  Reader in(raw);
  AKV_RETURN_IF_ERROR(ReadHeader(in, out.header));
  out.header_bytes_without_mac.assign(raw.begin(), raw.begin() + static_cast<std::ptrdiff_t>(in.pos()));
  if (!in.Has(kBundleHeaderMacBytes + kAeadNonceBytes + 4)) return Truncated();
  in.Into(out.header_mac);
  ByteView nonce = in.Take(kAeadNonceBytes);
  out.payload_nonce.assign(nonce.begin(), nonce.end());
  // A10: the length is compared with what is there before anything is
  // allocated, so 0xFFFFFFFF costs nothing; A3: so is trailing garbage.
  const std::uint32_t length = in.U32();
  if (length < in.remaining()) {
    return Damaged(std::to_string(in.remaining() - length) + " unexpected bytes after the end");
  }
  if (length > in.remaining()) return Truncated();
  if (length < kBundleMinCiphertextBytes) return Damaged("its content is shorter than an authentication tag");
  ByteView ciphertext = in.Take(length);
  out.payload_ciphertext.assign(ciphertext.begin(), ciphertext.end());
  return out;
}

Bytes WrapAssociatedData(const BundleHeader& h) {
  Bytes out;
  Append(out, AsBytes(kBundleMagic));
  Append(out, h.bundle_id);
  AppendU64BE(out, static_cast<std::uint64_t>(h.created));
  AppendU64BE(out, static_cast<std::uint64_t>(h.expires));
  AppendU8(out, static_cast<std::uint8_t>(h.mode));
  if (ModeUsesPassword(h.mode)) {
    AppendU8(out, h.kdf_alg);
    AppendU32BE(out, h.kdf.ops);
    AppendU64BE(out, h.kdf.mem_bytes);
    Append(out, h.salt);
  }
  return out;
}

Bytes SerializeHeader(const BundleHeader& h) {
  Bytes out = WrapAssociatedData(h);
  if (h.mode == BundleMode::kPassword) {
    Append(out, h.wrap_nonce);
    Append(out, h.wrap);
  }
  if (ModeUsesRecipients(h.mode)) {
    AppendU8(out, static_cast<std::uint8_t>(h.stanzas.size()));
    for (const Bytes& stanza : h.stanzas) Append(out, stanza);
  }
  return out;
}

Bytes SerializeBundle(const ParsedBundle& bundle) {
  Bytes out = SerializeHeader(bundle.header);
  Append(out, bundle.header_mac);
  Append(out, bundle.payload_nonce);
  AppendU32BE(out, static_cast<std::uint32_t>(bundle.payload_ciphertext.size()));
  Append(out, bundle.payload_ciphertext);
  return out;
}

}  // namespace akv
