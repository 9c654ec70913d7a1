// Recipient strings (A13) and identity files (A15).
#include "vault/bundle/identity.h"

#include <gtest/gtest.h>

#include <cctype>

#include "tests/support/test_support.h"
#include "tests/unit/bundle/bundle_test_util.h"
#include "vault/crypto/box_check.h"
#include "vault/encoding/encoding.h"

namespace akv {
namespace {

using ::akv::testing::Secret;
using ::akv::testing::SeededIdentity;

std::string IdentityText(const BoxKeyPair& pair) { return std::string(EncodeIdentityFile(pair, 1767225600).view()); }

TEST(RecipientTest, RoundTripsAndHasTheDocumentedShape) {
  for (std::uint8_t seed : {1, 2, 0x1D, 0xFF}) {
    const BoxKeyPair pair = SeededIdentity(seed);
    const std::string text = EncodeRecipient(pair.public_key);
    ASSERT_EQ(text.size(), 65u);
    EXPECT_EQ(text.substr(0, 7), "akvpub1");
    for (char c : text.substr(7)) EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) << text;
    Result<BoxPublicKey> back = ParseRecipient(text);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, pair.public_key);
  }
}

void ExpectBadRecipient(const std::string& text, const std::string& fragment) {
  Result<BoxPublicKey> r = ParseRecipient(text);
  ASSERT_FALSE(r.ok()) << text;
  EXPECT_EQ(r.status().code(), Code::kUsage);
  EXPECT_NE(r.status().message().find(fragment), std::string::npos) << r.status().ToString();
}

// A13
TEST(RecipientTest, RefusesWrongPrefixLengthCharactersAndChecksum) {
  const std::string good = EncodeRecipient(SeededIdentity(7).public_key);
  const std::string body = good.substr(7);
  ExpectBadRecipient("", "does not start with akvpub1");
  ExpectBadRecipient("AKVPUB1" + body, "does not start with akvpub1");
  ExpectBadRecipient("age1" + body, "does not start with akvpub1");
  ExpectBadRecipient("/etc/passwd", "does not start with akvpub1");
  ExpectBadRecipient("../" + good, "does not start with akvpub1");
  ExpectBadRecipient(" " + good, "does not start with akvpub1");
  ExpectBadRecipient(good + " ", "characters, expected 65");
  ExpectBadRecipient(good + "\n", "characters, expected 65");
  ExpectBadRecipient(good.substr(0, 64), "characters, expected 65");
  const std::string traversal =
      "akvpub1" + std::string("/../etc/passwd/../../../../../../../../../../../../../../../../").substr(0, 58);
  ASSERT_EQ(traversal.size(), 65u);
  ExpectBadRecipient(traversal, "alphabet");
  std::string t = good;
  t[20] = '/';
  ExpectBadRecipient(t, "alphabet");
  t = good;
  t.replace(20, 2, "..");
  ExpectBadRecipient(t, "alphabet");
  t = good;
  t[20] = ' ';
  ExpectBadRecipient(t, "alphabet");
  t = good;
  t[20] = (t[20] >= 'a' && t[20] <= 'z') ? static_cast<char>(t[20] - 'a' + 'A') : 'A';
  ExpectBadRecipient(t, "alphabet");  // uppercase is not the canonical spelling
  for (char look_alike : {'i', 'l', 'o', 'u'}) {
    t = good;
    t[30] = look_alike;
    ExpectBadRecipient(t, "alphabet");
  }
  // Every single-symbol change of the body is caught by the checksum (or is
  // no longer a canonical encoding).
  const std::string_view alphabet = "0123456789abcdefghjkmnpqrstvwxyz";
  for (std::size_t i = 7; i < good.size(); ++i) {
    for (char c : alphabet) {
      if (c == good[i]) continue;
      t = good;
      t[i] = c;
      ASSERT_FALSE(ParseRecipient(t).ok()) << "position " << i;
    }
  }
}

// A14 at the sending side: a low-order point with a valid checksum.
TEST(RecipientTest, RefusesLowOrderPoints) {
  for (const char* hex : {"0000000000000000000000000000000000000000000000000000000000000000",
                          "0100000000000000000000000000000000000000000000000000000000000000",
                          "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
                          "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"}) {
    BoxPublicKey pk{};
    const Bytes point = *HexDecode(hex);
    std::copy(point.begin(), point.end(), pk.begin());
    ExpectBadRecipient(EncodeRecipient(pk), "low-order");
  }
}

TEST(IdentityFileTest, RoundTripsAndRecomputesThePublicKey) {
  const BoxKeyPair pair = SeededIdentity(0x1D);
  const std::string text = IdentityText(pair);
  const std::string recipient = EncodeRecipient(pair.public_key);
  EXPECT_EQ(text.substr(0, text.find('\n')), "# akvault identity, created 2026-01-01T00:00:00Z");
  EXPECT_NE(text.find("\n# public key: " + recipient + "\nAKVAULT-IDENTITY-1"), std::string::npos);
  const std::string key_line = text.substr(text.find("AKVAULT-IDENTITY-1"));
  EXPECT_EQ(key_line.size(), 18u + 58u + 1u);
  EXPECT_EQ(key_line.back(), '\n');
  Result<BoxKeyPair> back = ParseIdentityFile(Secret(text));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->public_key, pair.public_key);
  EXPECT_TRUE(back->secret_key.Equals(pair.secret_key.span()));
}

TEST(IdentityFileTest, AcceptsCommentsBlankLinesAndCrlf) {
  const BoxKeyPair pair = SeededIdentity(3);
  const std::string text = IdentityText(pair);
  const std::string key_line = text.substr(text.find("AKVAULT"));
  std::string crlf;
  for (char c : text) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  for (const std::string& t : {key_line, key_line.substr(0, key_line.size() - 1), crlf,
                               "\n# mine\n\n" + key_line + "\n# trailing comment, even with = and ]\n"}) {
    Result<BoxKeyPair> back = ParseIdentityFile(Secret(t));
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(back->public_key, pair.public_key);
  }
}

// A15: a malformed identity is E_NOMATCH, not E_AUTH or a crash.
TEST(IdentityFileTest, RefusesMalformedFilesAsNoMatch) {
  const std::string text = IdentityText(SeededIdentity(4));
  const std::string key_line = text.substr(text.find("AKVAULT"));
  const std::size_t body = 18;
  std::vector<std::string> bad = {
      "",
      "# only comments\n",
      key_line + key_line,                           // two keys
      "AKVAULT-IDENTITY-2" + key_line.substr(body),  // other version
      "akvault-identity-1" + key_line.substr(body),
      " " + key_line,                                        // leading space
      key_line.substr(0, key_line.size() - 1) + " \n",       // trailing space
      key_line.substr(0, key_line.size() - 2) + "\n",        // one symbol short
      key_line.substr(0, key_line.size() - 1) + "A\n",       // one symbol long
      EncodeRecipient(SeededIdentity(4).public_key) + "\n",  // a public key instead
      "AKVAULT-IDENTITY-1" + std::string(58, '0') + "\n",    // checksum of zero key fails
  };
  std::string lower = key_line;
  for (std::size_t i = body; i < lower.size(); ++i) lower[i] = static_cast<char>(std::tolower(lower[i]));
  bad.push_back(lower);
  for (std::size_t i = body; i + 1 < key_line.size(); i += 7) {  // single symbol changes
    std::string t = key_line;
    t[i] = t[i] == 'A' ? 'B' : 'A';
    bad.push_back(t);
  }
  std::string nul = key_line;
  nul[body + 3] = '\0';
  bad.push_back(nul);
  for (const std::string& t : bad) {
    Result<BoxKeyPair> r = ParseIdentityFile(Secret(t));
    ASSERT_FALSE(r.ok()) << t;
    EXPECT_EQ(r.status().code(), Code::kNoMatch) << t;
    EXPECT_EQ(r.status().message().rfind("identity file is malformed", 0), 0u) << r.status().message();
    EXPECT_EQ(r.status().message().find(key_line.substr(body, 10)), std::string::npos);  // no key material echoed
  }
}

TEST(LowOrderPointTest, RecognisesTheKnownEncodingsOnly) {
  // libsodium's and age's x25519 low-order list, with the high-bit twins.
  const char* low[] = {"0000000000000000000000000000000000000000000000000000000000000000",
                       "0100000000000000000000000000000000000000000000000000000000000000",
                       "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
                       "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
                       "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
                       "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
                       "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
                       "0000000000000000000000000000000000000000000000000000000000000080",
                       "0100000000000000000000000000000000000000000000000000000000000080",
                       "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b880",
                       "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f11d7",
                       "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
                       "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
                       "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"};
  for (const char* hex : low) EXPECT_TRUE(IsLowOrderPoint(*HexDecode(hex))) << hex;
  for (std::uint8_t seed = 1; seed < 20; ++seed) EXPECT_FALSE(IsLowOrderPoint(SeededIdentity(seed).public_key));
  EXPECT_FALSE(IsLowOrderPoint(Bytes(31, 0)));
}

}  // namespace
}  // namespace akv
