// The bundle plaintext: canonical JSON out, only canonical JSON in (A16, A17).
#include "vault/bundle/payload.h"

#include <gtest/gtest.h>

#include "tests/support/test_support.h"
#include "tests/unit/bundle/bundle_test_util.h"

namespace akv {
namespace {

using ::akv::testing::PayloadText;
using ::akv::testing::SamplePayload;
using ::akv::testing::Secret;

const std::string kOne =
    R"({"v":1,"keys":[{"akid":"LTAI5tBundleTest00000001","secret":"TestSecretOnlyForBundleVecto01",)"
    R"("owner":"alice","app":"billing-api","created":"2026-01-01","rotate_days":90,"deadline":"2026-04-01"}]})";

Status DecodeStatus(const std::string& text) { return DecodePayload(Secret(text)).status(); }

TEST(PayloadTest, EncodesTheExactCanonicalText) {
  EXPECT_EQ(PayloadText(SamplePayload(1)), kOne);
  const std::string two = PayloadText(SamplePayload(2));
  EXPECT_NE(two.find(R"(},{"akid":"LTAI5tBundleTest00000002","secret":"TestSecretOnlyForBundleVecto02",)"
                     R"("owner":"alice","app":null,)"),
            std::string::npos);
}

TEST(PayloadTest, RoundTripsEveryField) {
  BundlePayload in = SamplePayload(3);
  in.keys[1].rotate_days = 3650;
  in.keys[2].rotate_days = 1;
  in.keys[2].owner = "ops.team-1_x@example.com";
  Result<SecretBuffer> json = EncodePayload(in);
  ASSERT_TRUE(json.ok()) << json.status().ToString();
  Result<BundlePayload> out = DecodePayload(*json);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ASSERT_EQ(out->keys.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(out->keys[i].akid, in.keys[i].akid);
    EXPECT_TRUE(out->keys[i].secret.Equals(in.keys[i].secret.span()));
    EXPECT_EQ(out->keys[i].owner, in.keys[i].owner);
    EXPECT_EQ(out->keys[i].app, in.keys[i].app);
    EXPECT_EQ(out->keys[i].created, in.keys[i].created);
    EXPECT_EQ(out->keys[i].rotate_days, in.keys[i].rotate_days);
    EXPECT_EQ(out->keys[i].deadline, in.keys[i].deadline);
  }
}

TEST(PayloadTest, EncodeRefusesInvalidKeys) {
  EXPECT_EQ(EncodePayload(BundlePayload{}).status().code(), Code::kUsage);
  BundlePayload p = SamplePayload(2);
  p.keys[1].akid = p.keys[0].akid;
  EXPECT_EQ(EncodePayload(p).status().code(), Code::kUsage);
  auto with = [](auto mutate) {
    BundlePayload q = SamplePayload(1);
    mutate(q.keys[0]);
    return EncodePayload(q).status().code();
  };
  EXPECT_EQ(with([](BundleKey& k) { k.akid = "LTAI\"x"; }), Code::kUsage);
  EXPECT_EQ(with([](BundleKey& k) { k.secret = Secret("abc\ndef"); }), Code::kInput);
  EXPECT_EQ(with([](BundleKey& k) { k.secret = Secret(""); }), Code::kInput);
  EXPECT_EQ(with([](BundleKey& k) { k.owner = "a\"b"; }), Code::kUsage);
  EXPECT_EQ(with([](BundleKey& k) { k.app = "x]"; }), Code::kUsage);
  EXPECT_EQ(with([](BundleKey& k) { k.created = "2026-02-30"; }), Code::kUsage);
  EXPECT_EQ(with([](BundleKey& k) { k.deadline = "2026-4-1"; }), Code::kUsage);
  EXPECT_EQ(with([](BundleKey& k) { k.rotate_days = 0; }), Code::kUsage);
  EXPECT_EQ(with([](BundleKey& k) { k.rotate_days = 3651; }), Code::kUsage);
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

// A16, A17: the decoder accepts the canonical text and nothing else.
TEST(PayloadTest, DecodeRefusesEverythingButTheCanonicalForm) {
  ASSERT_TRUE(DecodePayload(Secret(kOne)).ok());
  const std::vector<std::string> bad = {
      "",
      "hello",
      R"({"v":1,"keys":[]})",                        // zero keys
      R"({"v":2,"keys":[)" + kOne.substr(15),        // another version
      kOne + "\n",                                   // trailing newline
      " " + kOne,                                    // leading space
      Replace(kOne, R"(,"owner")", R"(, "owner")"),  // whitespace
      Replace(kOne, R"("v":1)", R"("v": 1)"),
      Replace(kOne, R"("app":"billing-api",)", ""),                             // missing field
      Replace(kOne, R"("rotate_days":90,)", R"("rotate_days":90,"extra":1,)"),  // extra field
      Replace(kOne, R"("owner":"alice","app":"billing-api")", R"("app":"billing-api","owner":"alice")"),  // reordered
      Replace(kOne, R"("akid")", R"("AKID")"),
      kOne.substr(0, kOne.size() - 1) + R"(,"x":1})",
      Replace(kOne, "]}", R"(,)" + kOne.substr(15, kOne.size() - 17) + "]}"),  // the same akid twice
      Replace(kOne, R"("app":"billing-api")", R"("app":"")"),                  // empty name
      Replace(kOne, R"("app":"billing-api")", R"("app":NULL)"),
      Replace(kOne, R"("app":"billing-api")", R"("app":false)"),
      // A17: injection attempts in every string field.
      Replace(kOne, "Vecto01", "Vecto01\nAKID=1"),
      Replace(kOne, "Vecto01", "Vecto01\\nAKID"),  // escaped newline
      Replace(kOne, "Vecto01", "Vecto01\\u000a"),
      Replace(kOne, "Vecto01", "Vecto01\\\""),
      Replace(kOne, "Vecto01", "Vecto01="),
      Replace(kOne, "Vecto01", std::string("Vecto01\0x", 9)),
      Replace(kOne, "Vecto01", "Vecto01\xc3\xa9"),
      Replace(kOne, "Test00000001", "Test00000001]\n[x"),
      Replace(kOne, "Test00000001", "Test00000001 "),
      Replace(kOne, "\"alice\"", "\"alice]\\n[x\""),
      Replace(kOne, "\"alice\"", "\"al\\u0069ce\""),
      Replace(kOne, "billing-api", "billing api"),
      Replace(kOne, "billing-api", "billing\"api"),
      Replace(kOne, "2026-01-01", "2026-1-1"),
      Replace(kOne, "2026-01-01", "2026-02-30"),
      Replace(kOne, "2026-04-01", "tomorrow"),
      Replace(kOne, "\"2026-04-01\"", "null"),
      // A8: canonical decimal only.
      Replace(kOne, ":90,", ":+90,"),
      Replace(kOne, ":90,", ":090,"),
      Replace(kOne, ":90,", ":0x5A,"),
      Replace(kOne, ":90,", ": 90,"),
      Replace(kOne, ":90,", ":,"),
      Replace(kOne, ":90,", ":90.0,"),
      Replace(kOne, ":90,", ":9e1,"),
      Replace(kOne, ":90,", ":-90,"),
      Replace(kOne, ":90,", ":0,"),
      Replace(kOne, ":90,", ":3651,"),
      Replace(kOne, ":90,", ":99999999999999999999,"),
      Replace(kOne, ":90,", ":\"90\","),
  };
  for (const std::string& text : bad) {
    Status s = DecodeStatus(text);
    EXPECT_EQ(s.code(), Code::kFormat) << text;
    EXPECT_EQ(s.message().find("TestSecret"), std::string::npos) << s.message();  // never echoes the secret
  }
}

TEST(PayloadTest, DecodeRefusesEveryTruncation) {
  const std::string two = PayloadText(SamplePayload(2));
  for (std::size_t n = 0; n < two.size(); ++n) {
    ASSERT_EQ(DecodeStatus(two.substr(0, n)).code(), Code::kFormat) << n;
  }
}

}  // namespace
}  // namespace akv
