// ASCII armor: exact output, strict input (A9).
#include "vault/bundle/armor.h"

#include <gtest/gtest.h>

#include "vault/bundle/constants.h"
#include "vault/encoding/encoding.h"

namespace akv {
namespace {

Bytes Sample(std::size_t n) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(i * 37 + 11);
  return b;
}

void ExpectRefused(const std::string& text, const std::string& fragment) {
  Result<Bytes> out = DearmorBundle(text);
  ASSERT_FALSE(out.ok()) << "accepted: " << text.substr(0, 80);
  EXPECT_EQ(out.status().code(), Code::kFormat);
  EXPECT_NE(out.status().message().find(fragment), std::string::npos) << out.status().ToString();
}

TEST(ArmorTest, WritesTheExactLayout) {
  const Bytes data = Sample(100);  // 136 base64 characters: lines of 64, 64, 8
  const std::string b64 = Base64Encode(data);
  const std::string expected = "-----BEGIN AKVAULT BUNDLE-----\n" + b64.substr(0, 64) + "\n" + b64.substr(64, 64) +
                               "\n" + b64.substr(128) + "\n-----END AKVAULT BUNDLE-----\n";
  EXPECT_EQ(ArmorBundle(data), expected);
  // 48 bytes -> exactly one full line, no empty line after it.
  EXPECT_EQ(ArmorBundle(Sample(48)),
            "-----BEGIN AKVAULT BUNDLE-----\n" + Base64Encode(Sample(48)) + "\n-----END AKVAULT BUNDLE-----\n");
}

TEST(ArmorTest, RoundTripsEverySmallSize) {
  for (std::size_t n = 1; n < 400; ++n) {
    const Bytes data = Sample(n);
    Result<Bytes> back = DearmorBundle(ArmorBundle(data));
    ASSERT_TRUE(back.ok()) << n << ": " << back.status().ToString();
    EXPECT_EQ(*back, data);
  }
}

// A9: the two tolerated accidents.
TEST(ArmorTest, AcceptsCrlfAndWhitespaceAroundTheBlock) {
  const Bytes data = Sample(200);
  std::string text = ArmorBundle(data);
  std::string crlf;
  for (char c : text) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  for (const std::string& t : {crlf, "\n\n  \t" + text + "\n \t\r\n", text.substr(0, text.size() - 1), " " + crlf}) {
    Result<Bytes> back = DearmorBundle(t);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, data);
  }
}

// A9
TEST(ArmorTest, RefusesEverythingElse) {
  const std::string good = ArmorBundle(Sample(200));  // 268 chars: 64, 64, 64, 64, 12
  const std::size_t body = good.find('\n') + 1;
  std::string t;

  t = good;
  t[body + 5] = '\0';
  ExpectRefused(t, "NUL or non-ASCII");
  t = good;
  t.insert(body + 5, "\xc3\xa9");
  ExpectRefused(t, "NUL or non-ASCII");
  t = good;
  t.insert(0, "\xef\xbb\xbf");  // a UTF-8 byte-order mark is not whitespace
  ExpectRefused(t, "NUL or non-ASCII");

  ExpectRefused(good.substr(0, good.find("-----END")), "END line is missing");
  ExpectRefused(good + "P.S. see you\n", "text after the END line");
  ExpectRefused(good + good, "text after the END line");
  ExpectRefused("Hello,\n" + good, "first line");
  ExpectRefused("-----BEGIN AKVAULT BUNDLE-----\n-----END AKVAULT BUNDLE-----\n", "nothing between");
  ExpectRefused("", "first line");
  ExpectRefused("-----begin akvault bundle-----\n" + good.substr(body), "first line");

  t = good;  // a full line shortened to 63
  t.erase(body + 10, 1);
  ExpectRefused(t, "is not 64 characters long");
  t = good;  // a full line lengthened to 65
  t.insert(body + 10, "A");
  ExpectRefused(t, "is not 64 characters long");
  t = good;  // a blank line inside
  t.insert(body + 65, "\n");
  ExpectRefused(t, "is not 64 characters long");
  t = good;  // a trailing space on a body line
  t.insert(body + 64, " ");
  ExpectRefused(t, "is not 64 characters long");
  t = good;  // a lone CR in the middle of a line
  t[body + 3] = '\r';
  ExpectRefused(t, "stray carriage return");
  t = good;  // CR CR LF
  t.insert(body + 64, "\r\r");
  ExpectRefused(t, "stray carriage return");
}

// A9: canonical base64 only.
TEST(ArmorTest, RefusesNonCanonicalBase64) {
  auto wrap = [](const std::string& b64) {
    return "-----BEGIN AKVAULT BUNDLE-----\n" + b64 + "\n-----END AKVAULT BUNDLE-----\n";
  };
  EXPECT_TRUE(DearmorBundle(wrap("QUJD")).ok());
  EXPECT_TRUE(DearmorBundle(wrap("QUI=")).ok());
  EXPECT_TRUE(DearmorBundle(wrap("QQ==")).ok());
  ExpectRefused(wrap("QUJ="), "base64");  // non-zero bits under the padding
  ExpectRefused(wrap("QR=="), "base64");
  ExpectRefused(wrap("QQ"), "base64");  // padding missing
  ExpectRefused(wrap("QQ=="
                     "QQ=="),
                "base64");  // padding in the middle
  ExpectRefused(wrap("QUJD="), "base64");
  ExpectRefused(wrap("QU-D"), "base64");  // base64url is another alphabet
  ExpectRefused(wrap("QU D"), "base64");
}

TEST(ArmorTest, RefusesOversizedInputAndContent) {
  std::string huge(kArmoredMaxBytes + 1, ' ');
  ExpectRefused(huge, "larger than 2 MiB");
  const std::string big = ArmorBundle(Bytes(kBundleMaxBytes + 3, 0x42));
  ExpectRefused(big, "more than 1 MiB");
  EXPECT_TRUE(DearmorBundle(ArmorBundle(Bytes(kBundleMaxBytes, 0x42))).ok());
}

TEST(ArmorTest, LooksArmoredOnlyForTheBeginLine) {
  EXPECT_TRUE(LooksArmored(AsBytes(ArmorBundle(Sample(10)))));
  EXPECT_TRUE(LooksArmored(AsBytes("\r\n \t-----BEGIN AKVAULT BUNDLE-----\n")));
  EXPECT_FALSE(LooksArmored(AsBytes("akvault-bundle/v1\n")));
  EXPECT_FALSE(LooksArmored(AsBytes("-----BEGIN AGE ENCRYPTED FILE-----\n")));
  EXPECT_FALSE(LooksArmored(AsBytes("-----BEGIN AKVAULT BUNDL")));
  EXPECT_FALSE(LooksArmored({}));
}

}  // namespace
}  // namespace akv
