// The test vectors of tests/vectors/bundle/, one table-driven test in both
// directions (layout in docs/bundle-format.md, "Test vectors"):
// - open: each file opens with the result its `expect:` line names, and a
//   success gives exactly the `payload:` line;
// - seal: a file with a `seal:` line is regenerated from its inputs
//   (SeededRng seed, password, times, KDF) and must match byte for byte.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "tests/support/test_support.h"
#include "tests/unit/bundle/bundle_test_util.h"
#include "vault/bundle/armor.h"
#include "vault/bundle/identity.h"
#include "vault/bundle/password.h"
#include "vault/crypto/random.h"
#include "vault/encoding/encoding.h"

namespace akv {
namespace {

using namespace ::akv::testing;

const std::string kDir = AKVAULT_BUNDLE_VECTOR_DIR;

std::vector<std::string> VectorNames() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(kDir)) {
    if (entry.path().extension() == ".akb") names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

Code ExpectedCode(const std::string& expect) {
  static const std::map<std::string, Code> kCodes = {{"success", Code::kOk},        {"format failure", Code::kFormat},
                                                     {"auth failure", Code::kAuth}, {"no match", Code::kNoMatch},
                                                     {"expired", Code::kExpired},   {"tampered", Code::kTampered}};
  auto it = kCodes.find(expect);
  if (it == kCodes.end()) throw std::runtime_error("unknown expect: " + expect);
  return it->second;
}

std::map<std::string, std::string> KeyValues(const std::string& text) {
  std::map<std::string, std::string> out;
  std::istringstream in(text);
  std::string item;
  while (in >> item) out[item.substr(0, item.find('='))] = item.substr(item.find('=') + 1);
  return out;
}

class BundleVectorTest : public ::testing::TestWithParam<std::string> {};

TEST_P(BundleVectorTest, OpensAsExpectedAndRegeneratesByteForByte) {
  const VectorFile v = ReadVectorFile(kDir + "/" + GetParam());
  ASSERT_TRUE(v.fields.count("expect") && v.fields.count("comment") && v.fields.count("now")) << v.name;
  const Code expected = ExpectedCode(v.fields.at("expect"));

  SecretBuffer password;
  std::optional<BoxKeyPair> identity;
  OpenOptions o;
  o.now = std::stoll(v.fields.at("now"));
  if (v.fields.count("password")) {
    password = Secret(v.fields.at("password"));
    o.password = &password;
  }
  if (v.fields.count("identity")) {
    Result<BoxKeyPair> parsed = ParseIdentityFile(Secret(v.fields.at("identity") + "\n"));
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    identity = std::move(*parsed);
    o.identity = &*identity;
  }
  Result<OpenedBundle> opened = OpenBundle(v.body, o);
  EXPECT_EQ(opened.status().code(), expected)
      << v.name << " (" << v.fields.at("comment") << "): " << opened.status().ToString();
  if (expected == Code::kOk && opened.ok()) {
    ASSERT_TRUE(v.fields.count("payload"));
    EXPECT_EQ(PayloadText(opened->payload), v.fields.at("payload"));
  }
  if (v.name.rfind("armored_", 0) == 0) {  // the armor itself is what is wrong
    EXPECT_FALSE(DearmorBundle(AsText(v.body)).ok()) << v.name;
  }

  if (v.fields.count("seal")) {
    auto kv = KeyValues(v.fields.at("seal"));
    Result<SecretBuffer> canonical = NormalizeBundlePassword(password);
    ASSERT_TRUE(canonical.ok());
    Result<BundlePayload> payload = DecodePayload(Secret(v.fields.at("payload")));
    ASSERT_TRUE(payload.ok());
    SealOptions s;
    s.password = &*canonical;
    s.created = std::stoll(kv.at("created"));
    s.expires = std::stoll(kv.at("expires"));
    s.kdf = {static_cast<std::uint32_t>(std::stoul(kv.at("ops"))), std::stoull(kv.at("mem"))};
    SeededRng rng(static_cast<std::uint8_t>(std::stoi(kv.at("seed"))));
    Result<SealedBundle> sealed = SealBundle(*payload, s, rng);  // the real Argon2id
    ASSERT_TRUE(sealed.ok()) << sealed.status().ToString();
    Bytes regenerated = sealed->bytes;
    if (kv.count("armor") && kv.at("armor") == "yes") {
      const std::string text = ArmorBundle(sealed->bytes);
      regenerated.assign(text.begin(), text.end());
    }
    EXPECT_EQ(HexEncode(regenerated), HexEncode(v.body)) << v.name << " no longer regenerates";
  }
}

INSTANTIATE_TEST_SUITE_P(Vectors, BundleVectorTest, ::testing::ValuesIn(VectorNames()),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           std::string name = param.param.substr(0, param.param.size() - 4);
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

// The suite cannot silently shrink: every outcome is represented, and the
// reproducible vector is the one printed in docs/bundle-format.md.
TEST(BundleVectorSuiteTest, CoversEveryOutcomeAndMatchesTheDocs) {
  const std::vector<std::string> names = VectorNames();
  EXPECT_GE(names.size(), 50u);
  std::map<std::string, int> outcomes;
  int regenerated = 0;
  for (const std::string& name : names) {
    const VectorFile v = ReadVectorFile(kDir + "/" + name);
    ++outcomes[v.fields.at("expect")];
    regenerated += v.fields.count("seal") ? 1 : 0;
  }
  for (const char* expect : {"success", "format failure", "auth failure", "no match", "expired", "tampered"}) {
    EXPECT_GT(outcomes[expect], 0) << expect;
  }
  EXPECT_GE(regenerated, 2);

  std::ifstream doc(std::string(AKVAULT_BUNDLE_VECTOR_DIR) + "/../../../docs/bundle-format.md");
  ASSERT_TRUE(doc) << "docs/bundle-format.md missing";
  std::string text((std::istreambuf_iterator<char>(doc)), std::istreambuf_iterator<char>());
  std::string hex_only;
  for (char c : text) {
    if (c != '\n') hex_only += c;
  }
  const VectorFile ok = ReadVectorFile(kDir + "/password_ok.akb");
  EXPECT_NE(hex_only.find(HexEncode(ok.body)), std::string::npos)
      << "docs/bundle-format.md does not show the full hex of password_ok.akb";
  EXPECT_NE(text.find(ok.fields.at("password")), std::string::npos);
}

}  // namespace
}  // namespace akv
