// Fuzz target for the bundle armor (vault/bundle/armor.h). Promises checked:
// - DearmorBundle accepts exactly one spelling per content, up to CRLF line
//   endings and whitespace around the block: ArmorBundle of what it returns
//   equals the input with those two accidents undone;
// - whatever it accepts LooksArmored, and armoring any bytes round-trips;
// - a refusal is kFormat with one line of message.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "vault/bundle/armor.h"
#include "vault/bundle/constants.h"

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

bool IsOuterSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// The input with outer whitespace trimmed, CRLF turned into LF, and the
// final newline ArmorBundle writes.
std::string Normalised(std::string_view text) {
  std::size_t begin = 0, end = text.size();
  while (begin < end && IsOuterSpace(text[begin])) ++begin;
  while (end > begin && IsOuterSpace(text[end - 1])) --end;
  std::string out;
  for (std::size_t i = begin; i < end; ++i) {
    if (text[i] == '\r' && i + 1 < end && text[i + 1] == '\n') continue;
    out.push_back(text[i]);
  }
  return out + "\n";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  akv::Result<akv::Bytes> decoded = akv::DearmorBundle(text);
  if (decoded.ok()) {
    Check(akv::LooksArmored(akv::ByteView(data, size)));
    Check(akv::ArmorBundle(*decoded) == Normalised(text));
  } else {
    Check(decoded.status().code() == akv::Code::kFormat);
    Check(decoded.status().message().find('\n') == std::string::npos);
  }
  // Any bytes armor and dearmor back to themselves.
  if (size > 0 && size <= akv::kBundleMaxBytes) {
    akv::Result<akv::Bytes> back = akv::DearmorBundle(akv::ArmorBundle(akv::ByteView(data, size)));
    Check(back.ok() && back->size() == size && std::equal(back->begin(), back->end(), data));
  }
  return 0;
}
