#include "vault/bundle/armor.h"

#include <vector>

#include "vault/bundle/constants.h"
#include "vault/encoding/encoding.h"

namespace akv {
namespace {

bool IsOuterSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

Status Bad(const std::string& what) {
  return Status::Format("armored bundle is damaged: " + what,
                        "paste the whole block from BEGIN to END unchanged, or ask the sender again");
}

}  // namespace

std::string ArmorBundle(ByteView bundle) {
  const std::string body = Base64Encode(bundle);
  std::string out;
  out.reserve(body.size() + body.size() / kArmorLineChars + kArmorBegin.size() + kArmorEnd.size() + 4);
  out.append(kArmorBegin).push_back('\n');
  for (std::size_t i = 0; i < body.size(); i += kArmorLineChars) {
    out.append(body, i, kArmorLineChars).push_back('\n');
  }
  out.append(kArmorEnd).push_back('\n');
  return out;
}

bool LooksArmored(ByteView data) {
  std::string_view text = AsText(data);
  std::size_t start = 0;
  while (start < text.size() && IsOuterSpace(text[start])) ++start;
  return text.substr(start, kArmorBegin.size()) == kArmorBegin;
}

Result<Bytes> DearmorBundle(std::string_view text) {
  if (text.size() > kArmoredMaxBytes) return Bad("it is larger than 2 MiB");
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte == 0 || byte >= 0x80) return Bad("it contains a NUL or non-ASCII byte");
  }
  std::size_t begin = 0;
  std::size_t end = text.size();
  while (begin < end && IsOuterSpace(text[begin])) ++begin;
  while (end > begin && IsOuterSpace(text[end - 1])) --end;
  text = text.substr(begin, end - begin);

  // Split on LF; a CR is allowed only as the last character of a line.
  std::vector<std::string_view> lines;
  for (std::size_t pos = 0;;) {
    const std::size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    if (!line.empty() && line.back() == '\r' && nl != std::string_view::npos) line.remove_suffix(1);
    if (line.find('\r') != std::string_view::npos) return Bad("a line has a stray carriage return");
    lines.push_back(line);
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  if (lines.front() != kArmorBegin) return Bad("the first line is not " + std::string(kArmorBegin));
  std::size_t end_line = 0;
  for (std::size_t i = 1; i < lines.size() && end_line == 0; ++i) {
    if (lines[i] == kArmorEnd) end_line = i;
  }
  if (end_line == 0) return Bad("the END line is missing");
  if (end_line != lines.size() - 1) return Bad("there is text after the END line");
  if (end_line == 1) return Bad("there is nothing between BEGIN and END");

  std::string body;
  for (std::size_t i = 1; i < end_line; ++i) {
    const bool last = i + 1 == end_line;
    if (lines[i].empty() || lines[i].size() > kArmorLineChars || (!last && lines[i].size() != kArmorLineChars)) {
      return Bad("line " + std::to_string(i + 1) + " is not " + std::to_string(kArmorLineChars) + " characters long");
    }
    body.append(lines[i]);
  }
  std::optional<Bytes> decoded = Base64Decode(body);
  if (!decoded) return Bad("its base64 is invalid or not canonical");
  if (decoded->size() > kBundleMaxBytes) return Bad("it holds more than 1 MiB");
  return std::move(*decoded);
}

}  // namespace akv
