// The detector on every syntax a key turns up in, and on every decoy.
#include "vault/scan/detector.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "vault/bytes.h"
#include "vault/scan/id_rules.h"

namespace akv::scan {
namespace {

constexpr const char* kId = "LTAI5tQm9XbV2rKp7YwZ3nJd";            // 24 characters
constexpr const char* kLegacy = "LTAIq7Rm2XkP9sVb";                // 16 characters
constexpr const char* kSecret = "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1";  // 30 characters

struct Found {
  CandidateKind kind;
  std::string text;
  std::uint64_t line;
  std::uint64_t column;
  std::uint64_t offset;
};

std::vector<Found> Scan(const std::string& input, bool tokens = true) {
  auto detector = Detector::Create({tokens});
  EXPECT_TRUE(detector.ok()) << detector.status().ToString();
  auto scratch = (*detector)->NewScratch();
  EXPECT_TRUE(scratch.ok());
  std::vector<Found> found;
  Status s = (*detector)->ScanBuffer(**scratch, AsBytes(input), [&](const Candidate& c) {
    found.push_back({c.kind, std::string(c.text), c.position.line, c.position.column, c.position.offset});
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return found;
}

std::vector<std::string> Ids(const std::string& input) {
  std::vector<std::string> ids;
  for (const Found& f : Scan(input)) {
    if (f.kind == CandidateKind::kAccessKeyId && !IsPlaceholderId(f.text)) ids.push_back(f.text);
  }
  return ids;
}

std::vector<std::string> Tokens(const std::string& input) {
  std::vector<std::string> out;
  for (const Found& f : Scan(input)) {
    if (f.kind == CandidateKind::kSecretToken) out.push_back(f.text);
  }
  return out;
}

TEST(DetectorSyntax, FindsTheIdInEverySyntax) {
  const std::string id = kId;
  const std::vector<std::string> inputs = {
      "ALIBABA_CLOUD_ACCESS_KEY_ID=" + id + "\n",                     // dotenv
      "access_key_id: " + id + "\n",                                  // YAML
      "{\"AccessKeyId\":\"" + id + "\"}",                             // JSON
      "[default]\naccess_key_id = " + id + "\n",                      // INI
      "client = AcsClient('" + id + "', secret, 'cn-hangzhou')",      // Python
      "String ak = \"" + id + "\";",                                  // Java
      "cfg.AccessKeyId = tea.String(\"" + id + "\")",                 // Go
      "const ak = `" + id + "`;",                                     // JS template
      "access_key = \"" + id + "\"",                                  // Terraform
      "export ALICLOUD_ACCESS_KEY=" + id,                             // shell, end of input
      "2026-01-02 INFO GET /?AccessKeyId=" + id + "&Signature=abc",   // log, URL query
      "AccessKey ID,AccessKey Secret\n" + id + "," + kSecret + "\n",  // console CSV
      "<AccessKeyId>" + id + "</AccessKeyId>",                        // XML
      "oss://" + id + ":" + kSecret + "@bucket/path",                 // oss URL
      "我的AK是" + id + "，别外传",                                   // CJK glued on both sides
      "ak=" + id + std::string("\0tail", 5),                          // NUL in a binary
      "_" + id + "_",                                                 // underscores are not alnum
  };
  for (const std::string& input : inputs) {
    EXPECT_EQ(Ids(input), std::vector<std::string>{id}) << input;
  }
}

TEST(DetectorSyntax, FindsTheLegacyForm) {
  EXPECT_EQ(Ids(std::string("key=") + kLegacy + ";"), std::vector<std::string>{kLegacy});
  EXPECT_EQ(Ids(std::string("<k>") + kLegacy + "</k>"), std::vector<std::string>{kLegacy});
}

TEST(DetectorDecoys, RejectsWrongLengths) {
  const std::string body = "5tQm9XbV2rKp7YwZ3nJdAa";  // 22 characters
  for (std::size_t n = 10; n <= body.size(); ++n) {
    std::string id = "LTAI" + body.substr(0, n);
    const bool well_formed = id.size() == kIdLength || id.size() == kLegacyIdLength;
    EXPECT_EQ(Ids("x=" + id + "\n").size(), well_formed ? 1u : 0u) << id;
  }
}

TEST(DetectorDecoys, RejectsLtaiInsideLongerTokens) {
  EXPECT_TRUE(Ids(std::string("x") + kId).empty());
  EXPECT_TRUE(Ids(std::string("9") + kId).empty());
  EXPECT_TRUE(Ids(std::string(kId) + "Q").empty());
  EXPECT_TRUE(Ids("__biz=ltAiJTIfmTcHF0Z3fohrsVLP").empty());  // gitleaks' WeChat decoy: case matters
  EXPECT_TRUE(Ids("ltai5tQm9XbV2rKp7YwZ3nJd").empty());
  EXPECT_TRUE(Ids("sha=e3b0c44298fLTAI5tQm9XbV2rKp7YwZ3nJd").empty());
}

TEST(DetectorDecoys, RejectsPlaceholdersAndMaskedIds) {
  for (const char* decoy :
       {"LTAIxxxxxxxxxxxxxxxxxxxx", "LTAI5tXXXXXXXXXXXXXXXXXX", "LTAI****************", "LTAI5t****",
        "LTAI5tEXAMPLEEXAMPLE1234", "LTAIyourAccessKeyId12345", "LTAI00000000000000000000", "LTAI12345678901234567890",
        "LTAIabcdefghijklmnopqrst", "LTAIAAAAAAAAAAAA", "LTAI1234567890ab", "LTAI5tSampleKey9Xb2rKp7W",
        "LTAI${ACCESS_KEY_ID_VALUE}", "LTAI{{ .Values.ak }}", "LTAI5tDummyQm9XbV2rKp7Yw"}) {
    EXPECT_TRUE(Ids(std::string("ak: ") + decoy + "\n").empty()) << decoy;
  }
}

TEST(DetectorTokens, FindsBoundedThirtyCharacterRunsOnly) {
  EXPECT_EQ(Tokens(std::string("secret=") + kSecret + "\n"), std::vector<std::string>{kSecret});
  EXPECT_EQ(Tokens(std::string("密钥") + kSecret + "。"), std::vector<std::string>{kSecret});
  EXPECT_EQ(Tokens(kSecret), std::vector<std::string>{kSecret});  // the whole input
  EXPECT_TRUE(Tokens(std::string(kSecret) + "x").empty());
  EXPECT_TRUE(Tokens(std::string("x") + kSecret).empty());
  EXPECT_TRUE(Tokens(std::string(kSecret).substr(0, 29)).empty());
  EXPECT_TRUE(Tokens(std::string(200, 'a')).empty());  // a long run is one run, not many
}

TEST(DetectorTokens, NotAskedForNotReported) {
  for (const Found& f : Scan(std::string("s=") + kSecret, false)) EXPECT_NE(f.kind, CandidateKind::kSecretToken);
}

TEST(DetectorPosition, LineAndColumnInCodePoints) {
  auto found = Scan(std::string("first\n二行目 ") + kId + "\n");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].line, 2u);
  EXPECT_EQ(found[0].column, 5u);  // 3 CJK characters and a space before it
  EXPECT_EQ(found[0].offset, 6u + 9u + 1u);
}

// The same input read through ScanStream in reads of every small size and
// in chunks, so that candidates straddle chunk borders: each is found once
// with the same position.
TEST(DetectorStream, ChunkBordersChangeNothing) {
  std::string input;
  std::vector<std::uint64_t> offsets;
  for (int i = 0; input.size() < 3 * Detector::kChunkBytes; ++i) {
    input += std::string(static_cast<std::size_t>(i % 97), i % 2 ? '.' : '-') + "\n ak=";
    offsets.push_back(input.size());
    input += kId;
    input += i % 3 ? "," : "\n";
    input += kSecret;
    input += ' ';
  }
  const auto whole = Scan(input);
  ASSERT_EQ(whole.size(), 2 * offsets.size());
  auto detector = Detector::Create({true});
  ASSERT_TRUE(detector.ok());
  auto scratch = (*detector)->NewScratch();
  ASSERT_TRUE(scratch.ok());
  for (std::size_t step : {std::size_t{1} << 20, std::size_t{4093}, std::size_t{7}}) {
    std::size_t at = 0;
    std::vector<Found> streamed;
    Status s = (*detector)->ScanStream(
        **scratch,
        [&](std::span<std::uint8_t> out) -> Result<std::size_t> {
          std::size_t n = std::min({step, out.size(), input.size() - at});
          std::memcpy(out.data(), input.data() + at, n);
          at += n;
          return n;
        },
        [&](const Candidate& c) {
          streamed.push_back({c.kind, std::string(c.text), c.position.line, c.position.column, c.position.offset});
        });
    ASSERT_TRUE(s.ok());
    ASSERT_EQ(streamed.size(), whole.size()) << "step " << step;
    for (std::size_t i = 0; i < whole.size(); ++i) {
      EXPECT_EQ(streamed[i].offset, whole[i].offset);
      EXPECT_EQ(streamed[i].line, whole[i].line);
      EXPECT_EQ(streamed[i].column, whole[i].column);
      EXPECT_EQ(streamed[i].text, whole[i].text);
    }
  }
}

TEST(IdRules, EntropyOfSimpleStrings) {
  EXPECT_DOUBLE_EQ(ShannonEntropy(""), 0.0);
  EXPECT_DOUBLE_EQ(ShannonEntropy("aaaa"), 0.0);
  EXPECT_DOUBLE_EQ(ShannonEntropy("abab"), 1.0);
  EXPECT_FALSE(IsPlaceholderId(kId));
  EXPECT_FALSE(IsPlaceholderId(kLegacy));
}

}  // namespace
}  // namespace akv::scan
