#include "vault/encoding/encoding.h"

#include <gtest/gtest.h>

#include "vault/encoding/canonical.h"

namespace akv {
namespace {

TEST(HexTest, RoundTripAndStrictness) {
  const Bytes data = {0x00, 0x7f, 0x80, 0xff};
  EXPECT_EQ(HexEncode(data), "007f80ff");
  EXPECT_EQ(*HexDecode("007f80ff"), data);
  EXPECT_FALSE(HexDecode("007F80FF").has_value());  // uppercase is not our spelling
  EXPECT_FALSE(HexDecode("abc").has_value());
  EXPECT_FALSE(HexDecode("zz").has_value());
}

TEST(Base64Test, Rfc4648Vectors) {
  const std::pair<std::string, std::string> vectors[] = {
      {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"}, {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(Base64Encode(AsBytes(plain)), encoded);
    auto decoded = Base64Decode(encoded);
    ASSERT_TRUE(decoded.has_value()) << encoded;
    EXPECT_EQ(AsText(*decoded), plain);
  }
}

// A9: exactly one spelling of each byte string.
TEST(Base64Test, RejectsNonCanonicalInput) {
  for (const char* bad : {"Zg", "Zg=", "Zh==", "Zm9=", "Zm 9v", "Zm9v\n", "Z===", "=Zm9", "Zm9v====", "Zm-v", "Zm\0v"}) {
    EXPECT_FALSE(Base64Decode(bad).has_value()) << bad;
  }
}

TEST(Base32Test, RoundTripStrictAndLenient) {
  const Bytes data = {0xde, 0xad, 0xbe, 0xef, 0x01};
  const std::string text = Base32Encode(data);
  EXPECT_EQ(text.size(), 8u);
  EXPECT_EQ(*Base32Decode(text, 5, false), data);
  std::string lower = text;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_EQ(*Base32Decode(lower, 5, true), data);
  EXPECT_FALSE(Base32Decode(lower, 5, false).has_value());
  EXPECT_FALSE(Base32Decode(text, 5, true).has_value());
  EXPECT_FALSE(Base32Decode(text.substr(1), 5, false).has_value());
  // Non-zero padding bits are a second spelling: refused.
  Bytes one = {0xff};
  std::string enc = Base32Encode(one);  // "ZW"
  EXPECT_EQ(enc, "ZW");
  EXPECT_FALSE(Base32Decode("ZZ", 1, false).has_value());
  // Lenient reading of look-alikes is only in CrockfordValue.
  EXPECT_EQ(CrockfordValue('I'), 1);
  EXPECT_EQ(CrockfordValue('l'), 1);
  EXPECT_EQ(CrockfordValue('o'), 0);
  EXPECT_EQ(CrockfordValue('U'), -1);
  EXPECT_EQ(CrockfordValue('-'), -1);
}

TEST(CanonicalWriterTest, FieldBoundariesAreUnambiguous) {
  CanonicalWriter a("d"), b("d");
  a.Text("ab").Text("c");
  b.Text("a").Text("bc");
  EXPECT_NE(a.bytes(), b.bytes());
  CanonicalWriter none("d"), empty("d");
  none.OptionalText(std::nullopt);
  empty.OptionalText(std::string());
  EXPECT_NE(none.bytes(), empty.bytes());
}

}  // namespace
}  // namespace akv
