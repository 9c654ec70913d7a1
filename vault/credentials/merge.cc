#include "vault/credentials/merge.h"

#include <cstdint>
#include <optional>
#include <set>

#include "vault/bundle/secret_text.h"

namespace akv {
namespace {

// ---------------------------------------------------------------- INI

struct IniSection {
  std::string name;
  std::size_t begin = 0;  // offset of its "[name]" line
  std::size_t end = 0;    // offset after its last line
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

Status IniLineError(const std::string& what, std::size_t line, const std::string& problem) {
  // Never quote the line: it may hold another profile's secret.
  return Status::Format(what + " line " + std::to_string(line) + " " + problem + ": it is not an INI credentials file",
                        "fix or move that file first; akvault never replaces a file it cannot read");
}

// Splits the file into its preamble (offset 0 to the first section) and
// sections, checking that every line is blank, a comment, a section header
// or a key = value inside a section.
Result<std::vector<IniSection>> ParseIni(std::string_view text, const std::string& what) {
  std::vector<IniSection> sections;
  std::size_t pos = 0;
  std::size_t line_no = 0;
  while (pos < text.size()) {
    ++line_no;
    std::size_t eol = text.find('\n', pos);
    const std::size_t next = eol == std::string_view::npos ? text.size() : eol + 1;
    std::string_view raw = text.substr(pos, (eol == std::string_view::npos ? text.size() : eol) - pos);
    for (std::size_t i = 0; i < raw.size(); ++i) {
      const auto c = static_cast<unsigned char>(raw[i]);
      const bool cr_at_end = c == '\r' && i + 1 == raw.size();
      if ((c < 0x20 && c != '\t' && !cr_at_end) || c == 0x7f)
        return IniLineError(what, line_no, "has a control character");
    }
    std::string_view line = Trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') {
      // blank or comment
    } else if (line.front() == '[') {
      if (line.back() != ']') return IniLineError(what, line_no, "opens a [section] that does not close");
      std::string_view name = Trim(line.substr(1, line.size() - 2));
      if (name.empty()) return IniLineError(what, line_no, "has an empty section name");
      if (!sections.empty()) sections.back().end = pos;
      sections.push_back({std::string(name), pos, text.size()});
    } else if (line.find_first_of("=:") == std::string_view::npos) {
      return IniLineError(what, line_no, "is neither a [section], a key = value nor a comment");
    } else if (sections.empty()) {
      return IniLineError(what, line_no, "sets a key before any [section]");
    }
    pos = next;
  }
  if (!sections.empty()) sections.back().end = text.size();
  return sections;
}

// ---------------------------------------------------------------- JSON

struct Span {
  std::size_t begin = 0;
  std::size_t end = 0;
};

struct JsonMember {
  std::string key;  // decoded
  Span key_text;    // the key as written, quotes included
  Span value;
};

// A strict RFC 8259 scanner over a view: it validates and records where
// values are, and decodes only the strings asked for (keys and names, never
// a secret). Depth is bounded so no input can exhaust the stack.
class JsonScanner {
 public:
  JsonScanner(std::string_view text, std::string what) : s_(text), what_(std::move(what)) {}

  Status Error(const std::string& problem) const {
    return Status::Format(what_ + " is not valid JSON (" + problem + " at byte " + std::to_string(pos_) + ")",
                          "fix or move that file first; akvault never replaces a file it cannot read");
  }
  void SkipWs() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) ++pos_;
  }
  bool AtEnd() {
    SkipWs();
    return pos_ == s_.size();
  }
  char Peek() {
    SkipWs();
    return pos_ < s_.size() ? s_[pos_] : '\0';
  }
  std::size_t pos() const { return pos_; }

  // An object's members (keys decoded, values as spans).
  Result<std::vector<JsonMember>> Object() {
    if (Peek() != '{') return Error("expected an object");
    ++pos_;
    std::vector<JsonMember> members;
    if (Peek() == '}') {
      ++pos_;
      return members;
    }
    for (;;) {
      if (Peek() != '"') return Error("expected a member name");
      std::string key;
      Span key_text;
      key_text.begin = pos_;
      AKV_RETURN_IF_ERROR(String(&key));
      key_text.end = pos_;
      if (Peek() != ':') return Error("expected ':'");
      ++pos_;
      SkipWs();
      Span value;
      value.begin = pos_;
      AKV_RETURN_IF_ERROR(Value(1));
      value.end = pos_;
      members.push_back({std::move(key), key_text, value});
      const char c = Peek();
      ++pos_;
      if (c == '}') return members;
      if (c != ',') return Error("expected ',' or '}'");
    }
  }

  // An array's elements as spans.
  Result<std::vector<Span>> Array() {
    if (Peek() != '[') return Error("expected an array");
    ++pos_;
    std::vector<Span> elements;
    if (Peek() == ']') {
      ++pos_;
      return elements;
    }
    for (;;) {
      SkipWs();
      Span element;
      element.begin = pos_;
      AKV_RETURN_IF_ERROR(Value(1));
      element.end = pos_;
      elements.push_back(element);
      const char c = Peek();
      ++pos_;
      if (c == ']') return elements;
      if (c != ',') return Error("expected ',' or ']'");
    }
  }

  // A string; decoded into `out` when given.
  Status String(std::string* out) {
    if (Peek() != '"') return Error("expected a string");
    ++pos_;
    while (pos_ < s_.size()) {
      const auto c = static_cast<unsigned char>(s_[pos_++]);
      if (c == '"') return Status::Ok();
      if (c < 0x20) return Error("control character in a string");
      if (c != '\\') {
        if (out) out->push_back(static_cast<char>(c));
        continue;
      }
      if (pos_ >= s_.size()) break;
      const char e = s_[pos_++];
      char plain = 0;
      switch (e) {
        case '"':
          plain = '"';
          break;
        case '\\':
          plain = '\\';
          break;
        case '/':
          plain = '/';
          break;
        case 'b':
          plain = '\b';
          break;
        case 'f':
          plain = '\f';
          break;
        case 'n':
          plain = '\n';
          break;
        case 'r':
          plain = '\r';
          break;
        case 't':
          plain = '\t';
          break;
        case 'u': {
          if (pos_ + 4 > s_.size()) return Error("short \\u escape");
          std::uint32_t cp = 0;
          for (int i = 0; i < 4; ++i) {
            const char h = s_[pos_++];
            cp <<= 4;
            if (h >= '0' && h <= '9')
              cp |= static_cast<std::uint32_t>(h - '0');
            else if (h >= 'a' && h <= 'f')
              cp |= static_cast<std::uint32_t>(h - 'a' + 10);
            else if (h >= 'A' && h <= 'F')
              cp |= static_cast<std::uint32_t>(h - 'A' + 10);
            else
              return Error("bad \\u escape");
          }
          // Names akvault compares are ASCII; anything else only has to
          // differ from them, so a non-ASCII code unit decodes to 0xff.
          if (out) out->push_back(cp < 0x80 ? static_cast<char>(cp) : '\xff');
          continue;
        }
        default:
          return Error("bad escape");
      }
      if (out) out->push_back(plain);
    }
    return Error("unterminated string");
  }

  Status Value(int depth) {
    if (depth > kMaxDepth) return Error("nested too deeply");
    const char c = Peek();
    if (c == '{' || c == '[') {
      const char close = c == '{' ? '}' : ']';
      ++pos_;
      if (Peek() == close) {
        ++pos_;
        return Status::Ok();
      }
      for (;;) {
        if (c == '{') {
          AKV_RETURN_IF_ERROR(String(nullptr));
          if (Peek() != ':') return Error("expected ':'");
          ++pos_;
        }
        AKV_RETURN_IF_ERROR(Value(depth + 1));
        const char n = Peek();
        ++pos_;
        if (n == close) return Status::Ok();
        if (n != ',') return Error(std::string("expected ',' or '") + close + "'");
      }
    }
    if (c == '"') return String(nullptr);
    for (std::string_view word : {"true", "false", "null"}) {
      if (s_.substr(pos_, word.size()) == word) {
        pos_ += word.size();
        return Status::Ok();
      }
    }
    return Number();
  }

 private:
  static constexpr int kMaxDepth = 64;

  bool Digits() {
    const std::size_t start = pos_;
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
    return pos_ > start;
  }
  Status Number() {
    if (pos_ < s_.size() && s_[pos_] == '-') ++pos_;
    if (pos_ < s_.size() && s_[pos_] == '0') {
      ++pos_;
    } else if (!Digits()) {
      return Error("expected a value");
    }
    if (pos_ < s_.size() && s_[pos_] == '.') {
      ++pos_;
      if (!Digits()) return Error("bad number");
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
      if (!Digits()) return Error("bad number");
    }
    return Status::Ok();
  }

  std::string_view s_;
  std::string what_;
  std::size_t pos_ = 0;
};

Status SameNameConflict(const std::string& name, const std::string& what) {
  return Status::Conflict("profile " + name + " is already in " + what,
                          "pass --force to replace that profile (the others are kept), or choose --profile NAME");
}

bool OnlyWhitespace(std::string_view s) {
  for (char c : s) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return false;
  }
  return true;
}

}  // namespace

Result<SecretBuffer> MergeIni(std::string_view existing, const std::vector<ProfileText>& profiles, bool replace,
                              const std::string& what) {
  AKV_ASSIGN_OR_RETURN(std::vector<IniSection> sections, ParseIni(existing, what));
  std::set<std::string> fresh;
  for (const ProfileText& p : profiles) fresh.insert(p.name);
  if (!replace) {
    for (const IniSection& s : sections) {
      if (fresh.count(s.name)) return SameNameConflict(s.name, what);
    }
  }
  const std::size_t preamble_end = sections.empty() ? existing.size() : sections.front().begin;
  return BuildSecretText([&](SecretTextSink& out) {
    // The last two characters written, to place one blank line between sections.
    char tail[2] = {0, 0};
    std::size_t written = 0;
    auto put = [&](std::string_view text) {
      out.Put(text);
      for (char c : text) {
        tail[0] = tail[1];
        tail[1] = c;
      }
      written += text.size();
    };
    put(existing.substr(0, preamble_end));
    for (const IniSection& s : sections) {
      if (!fresh.count(s.name)) put(existing.substr(s.begin, s.end - s.begin));
    }
    for (const ProfileText& p : profiles) {
      if (written > 0 && tail[1] != '\n') put("\n");
      if (written > 0 && tail[0] != '\n') put("\n");
      put(p.text->view());
    }
  });
}

Result<SecretBuffer> MergeAliyunConfig(std::string_view existing, const std::vector<ProfileText>& profiles,
                                       bool replace, bool make_current, const std::string& what) {
  if (profiles.empty()) return Status::Usage("there is no profile to write");
  std::vector<JsonMember> members;
  std::optional<std::size_t> profiles_at;
  std::vector<Span> kept;  // existing profile objects that stay
  std::set<std::string> fresh;
  for (const ProfileText& p : profiles) fresh.insert(p.name);
  if (!OnlyWhitespace(existing)) {
    JsonScanner top(existing, what);
    AKV_ASSIGN_OR_RETURN(members, top.Object());
    if (!top.AtEnd()) return top.Error("text after the top-level object");
    for (std::size_t i = 0; i < members.size(); ++i) {
      if (members[i].key != "profiles") continue;
      if (profiles_at) return top.Error("two \"profiles\" members");
      profiles_at = i;
      JsonScanner list(existing.substr(members[i].value.begin, members[i].value.end - members[i].value.begin), what);
      AKV_ASSIGN_OR_RETURN(std::vector<Span> elements, list.Array());
      for (const Span& e : elements) {
        const std::size_t base = members[i].value.begin;
        const Span abs{base + e.begin, base + e.end};
        std::string name;
        if (existing[abs.begin] == '{') {
          JsonScanner obj(existing.substr(abs.begin, abs.end - abs.begin), what);
          AKV_ASSIGN_OR_RETURN(std::vector<JsonMember> fields, obj.Object());
          for (const JsonMember& f : fields) {
            if (f.key != "name" || existing[abs.begin + f.value.begin] != '"') continue;
            JsonScanner str(existing.substr(abs.begin + f.value.begin, f.value.end - f.value.begin), what);
            AKV_RETURN_IF_ERROR(str.String(&name));
          }
        }
        if (fresh.count(name)) {
          if (!replace) return SameNameConflict(name, what);
          continue;
        }
        kept.push_back(abs);
      }
    }
  }
  bool has_current = false;
  for (const JsonMember& m : members) has_current = has_current || m.key == "current";
  const std::string& first = profiles.front().name;

  return BuildSecretText([&](SecretTextSink& out) {
    auto raw = [&](const Span& s) { out.Put(existing.substr(s.begin, s.end - s.begin)); };
    auto current_member = [&] {
      out.Put("\"current\": \"");
      out.Put(first);
      out.Put('"');
    };
    auto profiles_member = [&] {
      out.Put("\"profiles\": [");
      bool any = false;
      for (const Span& s : kept) {
        out.Put(any ? ",\n    " : "\n    ");
        raw(s);
        any = true;
      }
      for (const ProfileText& p : profiles) {
        out.Put(any ? ",\n    " : "\n    ");
        out.Put(p.text->view());
        any = true;
      }
      out.Put("\n  ]");
    };
    out.Put('{');
    bool comma = false;
    auto next = [&] {
      out.Put(comma ? ",\n  " : "\n  ");
      comma = true;
    };
    if (!has_current) {
      next();
      current_member();
    }
    if (!profiles_at) {
      next();
      profiles_member();
    }
    for (std::size_t i = 0; i < members.size(); ++i) {
      const JsonMember& m = members[i];
      next();
      if (profiles_at && i == *profiles_at) {
        profiles_member();
        continue;
      }
      if (m.key == "current") {
        const std::string_view value = existing.substr(m.value.begin, m.value.end - m.value.begin);
        if (make_current || value == "\"\"") {
          current_member();
          continue;
        }
      }
      // The member as it was.
      raw(m.key_text);
      out.Put(": ");
      raw(m.value);
    }
    if (members.empty() && !has_current) {
      next();
      out.Put("\"meta_path\": \"\"");
    }
    out.Put("\n}\n");
  });
}

}  // namespace akv
