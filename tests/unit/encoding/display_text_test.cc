// DisplayText vectors (issue 9 item 5) and the JSON helpers that never throw
// (item 4).
#include "vault/encoding/display_text.h"

#include <gtest/gtest.h>

#include <string>

#include "vault/audit_detail.h"
#include "vault/encoding/json_dump.h"

namespace akv {
namespace {

struct Vector {
  std::string in;
  std::string shown;
};

// H2-5a: printable text unchanged; controls, C1, separators, bidi overrides
// and ill-formed UTF-8 escaped.
TEST(DisplayTextTest, Vectors) {
  const Vector vectors[] = {
      {"", ""},
      {"alice billing-web", "alice billing-web"},
      {"tab\there", "tab\there"},
      {"caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x94\x91",
       "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x94\x91"},
      {"back\\slash", "back\\slash"},
      {"\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07"},                     // OSC: retitle
      {"\x1b]52;c;ZXZpbA==\x1b\\", "\\x1b]52;c;ZXZpbA==\\x1b\\"},     // OSC 52: clipboard
      {"\x1b[2J\x1b[H", "\\x1b[2J\\x1b[H"},                           // clear screen
      {"line\nforged 1 2026-01-01", "line\\x0aforged 1 2026-01-01"},  // a forged log line
      {"cr\rover", "cr\\x0dover"},
      {std::string("nul\0x", 5), "nul\\x00x"},
      {"del\x7f", "del\\x7f"},
      {"c1 \xc2\x9b"
       "31m",
       "c1 \\u009b31m"},  // C1 CSI as UTF-8
      {"raw \x9b"
       "31m",
       "raw \\x9b31m"},                  // C1 CSI as a raw byte
      {"\xc2\xa0nbsp", "\xc2\xa0nbsp"},  // U+00A0 is printable
      {"ls\xe2\x80\xa8ps\xe2\x80\xa9", "ls\\u2028ps\\u2029"},
      {"rlo\xe2\x80\xaegpj.exe", "rlo\\u202egpj.exe"},
      {"iso\xe2\x81\xa6x\xe2\x81\xa9", "iso\\u2066x\\u2069"},
      {"bad \xff\xfe", "bad \\xff\\xfe"},
      {"overlong \xc0\xaf", "overlong \\xc0\\xaf"},
      {"surrogate \xed\xa0\x80", "surrogate \\xed\\xa0\\x80"},
      {"too big \xf4\x90\x80\x80", "too big \\xf4\\x90\\x80\\x80"},
      {"cut \xe6\x97", "cut \\xe6\\x97"},
      {"cut then ascii \xe6"
       "a",
       "cut then ascii \\xe6a"},
  };
  for (const Vector& v : vectors) {
    EXPECT_EQ(DisplayText(v.in), v.shown) << v.shown;
    EXPECT_EQ(IsDisplaySafe(v.in), v.in == v.shown) << v.shown;
    // What is shown is itself safe, and showing it again changes nothing.
    EXPECT_TRUE(IsDisplaySafe(DisplayText(v.in))) << v.shown;
  }
}

// H2-4a: invalid UTF-8 in a JSON value is U+FFFD, not an exception (abort).
TEST(JsonDumpTest, InvalidUtf8IsReplacedNotThrown) {
  nlohmann::json value = {{"note", std::string("bad \xff end")}, {"file", std::string("\xc3(")}};
  std::string text;
  ASSERT_NO_THROW(text = DumpJson(value));
  EXPECT_EQ(text, "{\"file\":\"\xef\xbf\xbd(\",\"note\":\"bad \xef\xbf\xbd end\"}");
  EXPECT_EQ(DumpJson(nlohmann::json("\x1b")), "\"\\u001b\"");
}

// H2-4b: parsing refuses deep nesting before it can overflow anything.
TEST(JsonDumpTest, ParseBoundedRefusesDeepNesting) {
  EXPECT_TRUE(ParseJsonBounded("{\"a\":[1,{\"b\":2}]}", 3).has_value());
  EXPECT_FALSE(ParseJsonBounded("{\"a\":[1,{\"b\":[2]}]}", 3).has_value());
  EXPECT_TRUE(ParseJsonBounded("{\"a\":\"[[[[[[[[\"}", 1).has_value()) << "brackets inside strings do not count";
  EXPECT_TRUE(ParseJsonBounded("{\"a\":\"\\\"[[[[\"}", 1).has_value()) << "an escaped quote does not end the string";
  const std::string deep = std::string(200000, '[') + std::string(200000, ']');
  EXPECT_FALSE(ParseJsonBounded(deep, 64).has_value());
  EXPECT_FALSE(ParseJsonBounded("{not json", 8).has_value());
}

// H2-4b: audit details are objects of checked types, else kTampered.
TEST(AuditDetailTest, ChecksShapeAndTypes) {
  AuditEntry e;
  e.seq = 7;
  e.detail = "{\"count\":3,\"source\":\"keys.csv\"}";
  auto ok = ParseAuditDetail(e);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(DetailInt(e, *ok, "count")->value_or(0), 3);
  EXPECT_EQ(DetailString(e, *ok, "source")->value_or(""), "keys.csv");
  EXPECT_FALSE(DetailString(e, *ok, "owner")->has_value());
  EXPECT_EQ(DetailString(e, *ok, "count").status().code(), Code::kTampered);
  EXPECT_EQ(DetailInt(e, *ok, "source").status().code(), Code::kTampered);
  for (const char* bad : {"[]", "\"x\"", "{", "{\"a\":[[[[[1]]]]]}"}) {
    e.detail = bad;
    const auto parsed = ParseAuditDetail(e);
    EXPECT_EQ(parsed.status().code(), Code::kTampered) << bad;
    EXPECT_NE(parsed.status().message().find("entry 7"), std::string::npos);
  }
  e.detail = std::string(200000, '{');
  EXPECT_EQ(ParseAuditDetail(e).status().code(), Code::kTampered);
}

}  // namespace
}  // namespace akv
