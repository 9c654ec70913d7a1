// The JSON writer of the streamed listings: byte for byte what
// nlohmann::json::dump() gives for the same values (strict for valid UTF-8,
// error_handler_t::replace for invalid UTF-8, where strict throws).
#include "vault/encoding/json_writer.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace akv {
namespace {

std::string Written(std::string_view text) {
  std::string out;
  AppendJsonString(out, text);
  return out;
}

std::string Dumped(const std::string& text) { return nlohmann::json(text).dump(); }

std::string DumpedReplacing(const std::string& text) {
  return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

TEST(JsonStringTest, EveryAsciiByteAsNlohmannDumpsIt) {
  for (int c = 0; c < 0x80; ++c) {
    const std::string text = std::string("a") + static_cast<char>(c) + "z";
    EXPECT_EQ(Written(text), Dumped(text)) << "byte " << c;
  }
}

TEST(JsonStringTest, EscapesSpelledOut) {
  EXPECT_EQ(Written(""), "\"\"");
  EXPECT_EQ(Written("plain LTAI5t-._@"), "\"plain LTAI5t-._@\"");
  EXPECT_EQ(Written("q\"b\\s/"), "\"q\\\"b\\\\s/\"");
  EXPECT_EQ(Written("\b\t\n\f\r"), "\"\\b\\t\\n\\f\\r\"");
  EXPECT_EQ(Written(std::string("\0\x01\x1f\x7f", 4)), "\"\\u0000\\u0001\\u001f\x7f\"");
}

TEST(JsonStringTest, ValidUtf8IsCopied) {
  for (const std::string text : {"\xC2\x80", "\xC3\xA9t\xC3\xA9", "\xDF\xBF", "\xE0\xA0\x80", "\xE4\xB8\xAD",
                                 "\xED\x9F\xBF", "\xEE\x80\x80", "\xEF\xBF\xBF", "\xF0\x90\x80\x80",
                                 "\xF0\x9F\x98\x80", "\xF3\xBF\xBF\xBF", "\xF4\x8F\xBF\xBF"}) {
    EXPECT_EQ(Written(text), "\"" + text + "\"");
    EXPECT_EQ(Written(text), Dumped(text));
  }
}

TEST(JsonStringTest, InvalidUtf8BecomesReplacementCharacters) {
  const std::string fffd = "\xEF\xBF\xBD";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"\x80", fffd},                             // lone continuation byte
      {"\xC0\x80", fffd + fffd},                  // overlong NUL: C0 can start nothing
      {"\xC1\xBF", fffd + fffd},                  // overlong
      {"\xE0\x80\x80", fffd + fffd + fffd},       // overlong three-byte form
      {"\xED\xA0\x80", fffd + fffd + fffd},       // UTF-16 surrogate
      {"\xF4\x90\x80\x80", fffd + fffd + fffd + fffd},  // above U+10FFFF
      {"\xF5", fffd},
      {"\xFF", fffd},
      {"\xE2\x82", fffd},                         // truncated at the end: one for the subpart
      {"\xE2\x82" "A", fffd + "A"},               // broken by an ASCII byte, which is kept
      {"\xF0\x9F\x98" "\xC3\xA9", fffd + "\xC3\xA9"},  // broken by a valid sequence, which is kept
      {"a\xC3", "a" + fffd},
      {"\xC3\"", fffd + "\\\""},
  };
  for (const auto& [in, want] : cases) {
    EXPECT_EQ(Written(in), "\"" + want + "\"");
    EXPECT_EQ(Written(in), DumpedReplacing(in));
    EXPECT_THROW(Dumped(in), nlohmann::json::type_error);  // what the old output did
  }
}

// Random short strings over the bytes that matter to escaping and UTF-8
// decoding: the writer and nlohmann agree on every one.
TEST(JsonStringTest, AgreesWithNlohmannOnRandomBytes) {
  const unsigned char alphabet[] = {0x00, 0x01, 0x08, 0x09, 0x0A, 0x0C, 0x0D, 0x1F, 0x20, 0x22, 0x2F, 0x41, 0x5C,
                                    0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1,
                                    0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF};
  std::mt19937 rng(20261128);
  std::uniform_int_distribution<std::size_t> length(0, 10), pick(0, sizeof alphabet - 1);
  for (int n = 0; n < 200000; ++n) {
    std::string text(length(rng), '\0');
    for (char& c : text) c = static_cast<char>(alphabet[pick(rng)]);
    ASSERT_EQ(Written(text), DumpedReplacing(text)) << testing::PrintToString(text);
  }
}

TEST(JsonObjectWriterTest, FieldsInTheOrderGiven) {
  std::string out;
  JsonObjectWriter o(out);
  o.String("akid", "X").OptionalString("app", std::nullopt).OptionalString("b", std::string("y"));
  o.Int("n", -5).Int("max", std::numeric_limits<std::int64_t>::max()).Bool("t", true).Bool("f", false).Null("z");
  o.Close();
  EXPECT_EQ(out, R"({"akid":"X","app":null,"b":"y","n":-5,"max":9223372036854775807,"t":true,"f":false,"z":null})");
  const nlohmann::json same = {{"akid", "X"}, {"app", nullptr}, {"b", "y"}, {"f", false},
                               {"max", std::numeric_limits<std::int64_t>::max()}, {"n", -5}, {"t", true}, {"z", nullptr}};
  std::string sorted;
  JsonObjectWriter s(sorted);
  s.String("akid", "X").Null("app").String("b", "y").Bool("f", false);
  s.Int("max", std::numeric_limits<std::int64_t>::max()).Int("n", -5).Bool("t", true).Null("z");
  s.Close();
  EXPECT_EQ(sorted, same.dump());
  std::string empty;
  JsonObjectWriter e(empty);
  e.Close();
  EXPECT_EQ(empty, nlohmann::json::object().dump());
}

// The layout of cli/commands/common.h's JsonArrayWriter.
std::string ArrayLayout(const std::vector<std::string>& elements) {
  if (elements.empty()) return "[]\n";
  std::string text = "[";
  for (std::size_t i = 0; i < elements.size(); ++i) text += (i == 0 ? "\n  " : ",\n  ") + elements[i];
  return text + "\n]\n";
}

TEST(JsonArrayStreamTest, LayoutOfTheOtherListings) {
  for (std::size_t n : {0, 1, 2, 3}) {
    std::ostringstream out;
    std::vector<std::string> elements;
    {
      JsonArrayStream array(out);
      for (std::size_t i = 0; i < n; ++i) {
        elements.push_back("{\"i\":" + std::to_string(i) + "}");
        JsonObjectWriter o(array.Next());
        o.Int("i", static_cast<std::int64_t>(i));
        o.Close();
      }
    }  // the destructor closes the array
    EXPECT_EQ(out.str(), ArrayLayout(elements));
  }
}

TEST(JsonArrayStreamTest, FlushesAsItGoesAndLosesNothing) {
  std::ostringstream out;
  std::vector<std::string> elements;
  JsonArrayStream array(out);
  std::size_t seen_before_close = 0;
  for (int i = 0; i < 20000; ++i) {
    elements.push_back(Written("element " + std::to_string(i)));
    AppendJsonString(array.Next(), "element " + std::to_string(i));
    seen_before_close = out.str().size();
  }
  // Written out in chunks while streaming, not held until the end.
  EXPECT_GT(seen_before_close, 0u);
  EXPECT_LT(ArrayLayout(elements).size() - seen_before_close, 2 * JsonArrayStream::kFlushBytes);
  array.Close();
  array.Close();  // idempotent
  EXPECT_EQ(out.str(), ArrayLayout(elements));
}

TEST(JsonArrayStreamTest, AFailedStreamIsVisibleInItsState) {
  std::ostringstream out;
  out.setstate(std::ios::badbit);
  JsonArrayStream array(out);
  for (int i = 0; i < 5000; ++i) AppendJsonString(array.Next(), "x");
  array.Close();
  EXPECT_FALSE(out.good());
}

}  // namespace
}  // namespace akv
