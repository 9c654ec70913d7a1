// The console's AccessKey CSV: what is tolerated, what is refused (with the
// exact line), and that no secret ever reaches a message.
#include "vault/import/csv.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/test_support.h"
#include "vault/crypto/init.h"

namespace akv {
namespace {

using akv::testing::Secret;

constexpr char kId1[] = "LTAI5tAbCdEfGhIjKlMnOpQr";  // fake, usual shape
constexpr char kSecret1[] = "AbCdEfGhIjKlMnOpQrStUvWxYz0123";
constexpr char kId2[] = "LTAI5tZyXwVuTsRqPoNmLkJi";
constexpr char kSecret2[] = "zYxWvUtSrQpOnMlKjIhGfEdCbA9876";

class CsvTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(InitCrypto().ok()); }

  // Parses `text`; the content buffer lives in the fixture, like the caller's.
  Result<CsvParseResult> Parse(const std::string& text) {
    content_ = Secret(text);
    return ParseConsoleCsv(content_, "keys.csv");
  }

  // Expects `code` (kFormat unless said) with exactly `message`, and no
  // secret in message or hint.
  void ExpectRefused(const std::string& text, const std::string& message,
                     const std::vector<std::string>& secrets = {kSecret1, kSecret2}, Code code = Code::kFormat) {
    Result<CsvParseResult> r = Parse(text);
    ASSERT_FALSE(r.ok()) << "accepted: " << text;
    EXPECT_EQ(r.status().code(), code);
    EXPECT_EQ(r.status().message(), message);
    EXPECT_FALSE(r.status().hint().empty());
    const std::string shown = r.status().ToString();
    EXPECT_EQ(shown.find('\n'), std::string::npos) << shown;
    for (const std::string& secret : secrets) {
      EXPECT_EQ(shown.find(secret), std::string::npos) << "secret in: " << shown;
    }
  }

  void ExpectOneKey(const std::string& text, int line = 2) {
    Result<CsvParseResult> r = Parse(text);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_EQ(r->rows.size(), 1u);
    EXPECT_EQ(r->rows[0].akid, kId1);
    EXPECT_EQ(AsText(r->rows[0].secret), kSecret1);
    EXPECT_EQ(r->rows[0].line, line);
    EXPECT_TRUE(r->warnings.empty());
  }

  SecretBuffer content_;
};

std::string Row(const char* id, const char* secret, const char* eol = "\n") {
  return std::string(id) + "," + secret + eol;
}

const std::string kHeader = "AccessKey ID,AccessKey Secret\n";

TEST_F(CsvTest, ConsoleFile) { ExpectOneKey(kHeader + Row(kId1, kSecret1)); }

TEST_F(CsvTest, SecretsAreViewsIntoTheContentNotCopies) {
  Result<CsvParseResult> r = Parse(kHeader + Row(kId1, kSecret1) + Row(kId2, kSecret2));
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->rows.size(), 2u);
  for (const CsvKeyRow& row : r->rows) {
    EXPECT_GE(row.secret.data(), content_.data());
    EXPECT_LE(row.secret.data() + row.secret.size(), content_.data() + content_.size());
  }
  EXPECT_EQ(AsText(r->rows[1].secret), kSecret2);
  EXPECT_EQ(r->rows[1].line, 3);
  // Moving the result keeps the views valid (they point into content_).
  CsvParseResult moved = std::move(r.value());
  EXPECT_EQ(AsText(moved.rows[0].secret), kSecret1);
}

TEST_F(CsvTest, Tolerated) {
  ExpectOneKey("\xEF\xBB\xBF" + kHeader + Row(kId1, kSecret1));                     // BOM
  ExpectOneKey("AccessKey ID,AccessKey Secret\r\n" + Row(kId1, kSecret1, "\r\n"));  // CRLF
  ExpectOneKey(
      "\xEF\xBB\xBF"
      "AccessKey ID,AccessKey Secret\r\n" +
      Row(kId1, kSecret1, ""));                                                      // BOM, CRLF, no final EOL
  ExpectOneKey(kHeader + Row(kId1, kSecret1, ""));                                   // no final newline
  ExpectOneKey(kHeader + Row(kId1, kSecret1, "\r"));                                 // CR at the very end
  ExpectOneKey(kHeader + Row(kId1, kSecret1) + "\n\n\n");                            // blank trailing lines
  ExpectOneKey(kHeader + Row(kId1, kSecret1, "\r\n") + "\r\n  \r\n\t\n");            // blank-ish trailing lines
  ExpectOneKey("AccessKey ID,AccessKey Secret\r\n" + Row(kId1, kSecret1) + "\r\n");  // mixed line ends
  ExpectOneKey("\"AccessKey ID\",\"AccessKey Secret\"\n\"" + std::string(kId1) + "\",\"" + kSecret1 + "\"\n");
  ExpectOneKey(" AccessKey ID ,  AccessKey Secret\t\n" + Row(kId1, kSecret1));  // spaces around names
  ExpectOneKey("AccessKey Secret,AccessKey ID\n" + Row(kSecret1, kId1));        // column order
}

TEST_F(CsvTest, ExtraColumnsAreIgnored) {
  ExpectOneKey("User Name,AccessKey ID,AccessKey Secret\nalice@example.onaliyun.com," + Row(kId1, kSecret1));
  // Quoted values with commas, quotes, a newline and UTF-8 in ignored columns.
  const std::string text =
      "User Name,AccessKey ID,Note,AccessKey Secret\n"
      "\"Zhang, San\"," +
      std::string(kId1) + ",\"say \"\"hi\"\"\n张三\"," + kSecret1 +
      "\n"
      "bob," +
      kId2 + ",," + kSecret2 + "\n";
  Result<CsvParseResult> r = Parse(text);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->rows.size(), 2u);
  EXPECT_EQ(r->rows[0].akid, kId1);
  EXPECT_EQ(AsText(r->rows[0].secret), kSecret1);
  EXPECT_EQ(r->rows[0].line, 2);
  EXPECT_EQ(r->rows[1].akid, kId2);
  EXPECT_EQ(r->rows[1].line, 4);  // the quoted newline took line 3
}

TEST_F(CsvTest, UnusualLengthsWarnWithTheLine) {
  Result<CsvParseResult> r = Parse(kHeader + Row(kId1, kSecret1) + Row("AKID123", "shortsecret"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->warnings.size(), 1u);
  EXPECT_EQ(r->warnings[0],
            "keys.csv line 3: AccessKey ID AKID123 is not the usual LTAI + 20 characters; the secret has 11 "
            "characters, not the usual 30");
  EXPECT_EQ(r->warnings[0].find("shortsecret"), std::string::npos);
}

TEST_F(CsvTest, WrongFieldCount) {
  ExpectRefused(kHeader + Row(kId1, kSecret1) + Row(kId2, kSecret2, ",extra\n"),
                "keys.csv line 3: expected 2 fields, found 3");
  ExpectRefused(kHeader + kId1 + "\n", "keys.csv line 2: expected 2 fields, found 1");
  ExpectRefused("User Name,AccessKey ID,AccessKey Secret\n" + Row(kId1, kSecret1),
                "keys.csv line 2: expected 3 fields, found 2");
}

TEST_F(CsvTest, BadIdOrSecret) {
  ExpectRefused(kHeader + Row(kId1, kSecret1) + Row("LTAI5t-bad", kSecret2),
                "keys.csv line 3: AccessKey ID contains a character outside A-Z, a-z, 0-9");
  ExpectRefused(kHeader + Row("", kSecret1), "keys.csv line 2: AccessKey ID is empty");
  ExpectRefused(kHeader + Row(kId1, ""), "keys.csv line 2: AccessKey Secret is empty");
  ExpectRefused(kHeader + Row(kId1, "\"\""), "keys.csv line 2: AccessKey Secret is empty");
  const std::vector<std::string> bad_secrets = {"AbCdEfGhIjKlMn-pQrStUvWxYz0123", "AbCdEfGhIjKlMn pQrStUvWxYz0123",
                                                "AbCdEfGhIjKlMnOpQrStUvWxYz012\xC3\xA9"};
  for (const std::string& bad : bad_secrets) {
    ExpectRefused(kHeader + Row(kId1, bad.c_str()),
                  "keys.csv line 2: AccessKey Secret contains a character outside A-Z, a-z, 0-9", {bad, kSecret1});
  }
  // "" inside quotes is a quote, which no secret may hold.
  const std::string quoted = "\"AbCdEfGhIjKlMn\"\"pQrStUvWxYz0123\"";
  ExpectRefused(kHeader + Row(kId1, quoted.c_str()),
                "keys.csv line 2: AccessKey Secret contains a character outside A-Z, a-z, 0-9",
                {"AbCdEfGhIjKlMn", "pQrStUvWxYz0123"});
  ExpectRefused(kHeader + Row(kId1, (std::string(300, 'a')).c_str()),
                "keys.csv line 2: AccessKey Secret is longer than 256 characters", {std::string(300, 'a')});
}

TEST_F(CsvTest, WrongHeader) {
  const std::string expected = "keys.csv line 1: expected the header `AccessKey ID,AccessKey Secret`";
  ExpectRefused(Row(kId1, kSecret1), expected);  // no header: the secret must not be echoed
  ExpectRefused("AccessKeyId,AccessKeySecret\n" + Row(kId1, kSecret1), expected);
  ExpectRefused("accesskey id,accesskey secret\n" + Row(kId1, kSecret1), expected);
  ExpectRefused("AccessKey ID\n" + std::string(kId1) + "\n", expected);
  ExpectRefused("\n" + kHeader + Row(kId1, kSecret1), expected);
  ExpectRefused("AccessKey ID;AccessKey Secret\n" + std::string(kId1) + ";" + kSecret1 + "\n", expected);
  // Old Mac line ends: one line, so no header.
  ExpectRefused("AccessKey ID,AccessKey Secret\r" + Row(kId1, kSecret1, "\r"), expected);
  ExpectRefused("AccessKey ID,AccessKey Secret,AccessKey ID\n" + Row(kId1, kSecret1, ",x\n"),
                "keys.csv line 1: the column `AccessKey ID` appears twice");
}

TEST_F(CsvTest, NoRows) {
  ExpectRefused("", "keys.csv is empty");
  ExpectRefused("\xEF\xBB\xBF", "keys.csv is empty");
  ExpectRefused(kHeader, "keys.csv has no AccessKey rows after the header");
  ExpectRefused("AccessKey ID,AccessKey Secret", "keys.csv has no AccessKey rows after the header");
  ExpectRefused(kHeader + "\n\r\n", "keys.csv has no AccessKey rows after the header");
}

// A repeated ID is well-formed but contradictory: kConflict (E_CONFLICT,
// "duplicate AccessKey ID"), like an ID already in the vault, naming both
// lines and the fix.
TEST_F(CsvTest, DuplicateIdIsAConflictNamingBothLines) {
  ExpectRefused(kHeader + Row(kId1, kSecret1) + Row(kId2, kSecret2) + Row(kId1, kSecret2),
                std::string("keys.csv lines 2 and 4: AccessKey ID ") + kId1 + " appears twice", {kSecret1, kSecret2},
                Code::kConflict);
  Result<CsvParseResult> r = Parse(kHeader + Row(kId1, kSecret1) + Row(kId1, kSecret1));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kConflict);
  EXPECT_EQ(r.status().hint(),
            "keep one row per AccessKey: delete the other row and import again; nothing was imported");
  // A malformed row after the duplicate is not reached: the first problem wins.
  ExpectRefused(kHeader + Row(kId1, kSecret1) + Row(kId1, kSecret2) + "x,y,z\n",
                std::string("keys.csv lines 2 and 3: AccessKey ID ") + kId1 + " appears twice", {kSecret1, kSecret2},
                Code::kConflict);
  // And a malformed row before it is a format error, as before.
  ExpectRefused(kHeader + Row(kId1, kSecret1) + "x,y,z\n" + Row(kId1, kSecret2),
                "keys.csv line 3: expected 2 fields, found 3");
}

TEST_F(CsvTest, BlankLineBetweenRows) {
  ExpectRefused(kHeader + Row(kId1, kSecret1) + "\n" + Row(kId2, kSecret2), "keys.csv line 3: blank line between rows");
  ExpectRefused(kHeader + "\r\n" + Row(kId2, kSecret2), "keys.csv line 2: blank line between rows");
}

TEST_F(CsvTest, NulAndInvalidUtf8NameTheLine) {
  using namespace std::string_literals;
  ExpectRefused(kHeader + Row(kId1, kSecret1) + "bob\0,x,y\n"s, "keys.csv line 3: NUL byte");
  ExpectRefused("\0"s + kHeader, "keys.csv line 1: NUL byte");
  for (const std::string& bad : {"\xFF"s, "\xC0\x80"s, "\xC1\xBF"s, "\xE0\x80\x80"s, "\xED\xA0\x80"s,
                                 "\xF4\x90\x80\x80"s, "\xF8\x88\x80\x80\x80"s, "\x80"s, "\xE4\xB8"s, "\xC3"s}) {
    ExpectRefused(
        "User Name,AccessKey ID,AccessKey Secret\nx," + Row(kId1, kSecret1) + bad + "," + Row(kId2, kSecret2, ""),
        "keys.csv line 3: invalid UTF-8");
  }
  // Valid multi-byte characters of every length pass (in an ignored column).
  Result<CsvParseResult> r =
      Parse("User Name,AccessKey ID,AccessKey Secret\n\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x94\x91\xEF\xBF\xBD," +
            Row(kId1, kSecret1));
  EXPECT_TRUE(r.ok()) << r.status().ToString();
}

TEST_F(CsvTest, MalformedQuoting) {
  ExpectRefused(kHeader + Row(kId1, kSecret1) + Row(kId2, "\"unterminated"),
                "keys.csv line 3: a quoted field is not closed", {kSecret1, "unterminated"});
  ExpectRefused(kHeader + "\"" + kId1 + "\"x," + kSecret1 + "\n", "keys.csv line 2: text after a closing quote");
  ExpectRefused(kHeader + kId1 + ",ab\"cd\n", "keys.csv line 2: a quote inside an unquoted field", {"ab", "cd"});
  ExpectRefused("\"AccessKey ID,AccessKey Secret\n", "keys.csv line 1: a quoted field is not closed");
  // After a quoted newline in row 2, the bad row starts on line 4.
  ExpectRefused("User Name,AccessKey ID,AccessKey Secret\n\"a\nb\"," + Row(kId1, kSecret1) + "x,y\n",
                "keys.csv line 4: expected 3 fields, found 2");
}

TEST_F(CsvTest, AllOrNothing) {
  Result<CsvParseResult> r = Parse(kHeader + Row(kId1, kSecret1) + Row(kId2, kSecret2) + Row("LTAI.bad", kSecret1));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "keys.csv line 4: AccessKey ID contains a character outside A-Z, a-z, 0-9");
}

TEST_F(CsvTest, HundredThousandRows) {
  constexpr int kRows = 100000;
  std::string text = "User Name,AccessKey ID,AccessKey Secret\r\n";
  text.reserve(kRows * 64);
  char id[32], secret[40];
  for (int i = 0; i < kRows; ++i) {
    std::snprintf(id, sizeof id, "LTAI5t%018d", i);
    std::snprintf(secret, sizeof secret, "S%029d", kRows - i);
    text += "user" + std::to_string(i) + "," + id + "," + secret + "\r\n";
  }
  Result<CsvParseResult> r = Parse(text);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->rows.size(), static_cast<std::size_t>(kRows));
  EXPECT_TRUE(r->warnings.empty());
  for (int i : {0, 1, 4242, kRows - 1}) {
    std::snprintf(id, sizeof id, "LTAI5t%018d", i);
    std::snprintf(secret, sizeof secret, "S%029d", kRows - i);
    EXPECT_EQ(r->rows[i].akid, id);
    EXPECT_EQ(AsText(r->rows[i].secret), secret);
    EXPECT_EQ(r->rows[i].line, i + 2);
  }
  // One duplicate anywhere refuses the whole file, naming both lines.
  text += "dup,LTAI5t000000000000004242,S00000000000000000000000000001\r\n";
  ExpectRefused(text, "keys.csv lines 4244 and 100002: AccessKey ID LTAI5t000000000000004242 appears twice", {},
                Code::kConflict);
}

}  // namespace
}  // namespace akv
