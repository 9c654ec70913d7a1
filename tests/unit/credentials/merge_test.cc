// Vectors for merging profiles into existing credentials files
// (vault/credentials/merge.h): what stays byte for byte, what is replaced,
// and what is refused without quoting the file.
#include "vault/credentials/merge.h"

#include <gtest/gtest.h>

#include <string>

namespace akv {
namespace {

class MergeTest : public ::testing::Test {
 protected:
  SecretBuffer ini_ = SecretBuffer::CopyOf(std::string_view("[default]\naccess_key_id = NEW\n"));
  SecretBuffer obj_ = SecretBuffer::CopyOf(std::string_view("{\"name\":\"default\",\"mode\":\"AK\"}"));

  Result<std::string> Ini(std::string_view existing, bool replace = false) {
    auto r = MergeIni(existing, {{"default", &ini_}}, replace, "FILE");
    if (!r.ok()) return r.status();
    return std::string(r->view());
  }
  Result<std::string> Json(std::string_view existing, bool replace = false) {
    auto r = MergeAliyunConfig(existing, {{"default", &obj_}}, replace, false, "FILE");
    if (!r.ok()) return r.status();
    return std::string(r->view());
  }
};

TEST_F(MergeTest, IniIntoNothingIsTheSection) { EXPECT_EQ(*Ini(""), "[default]\naccess_key_id = NEW\n"); }

TEST_F(MergeTest, IniKeepsOtherSectionsAndCommentsVerbatim) {
  const std::string before = "; mine\n[a]\nx = 1\n  # indented comment\n[b]\r\ny: 2";
  EXPECT_EQ(*Ini(before), before + "\n\n[default]\naccess_key_id = NEW\n");
}

TEST_F(MergeTest, IniSameNameNeedsReplace) {
  const std::string before = "[a]\nx = 1\n\n[default]\nold = SECRETVALUE\n\n[c]\nz = 3\n";
  const Status refused = Ini(before).status();
  EXPECT_EQ(refused.code(), Code::kConflict);
  EXPECT_EQ(refused.message().find("SECRETVALUE"), std::string::npos);
  EXPECT_EQ(*Ini(before, true), "[a]\nx = 1\n\n[c]\nz = 3\n\n[default]\naccess_key_id = NEW\n");
}

TEST_F(MergeTest, IniRefusesWhatItCannotRead) {
  for (std::string_view bad :
       {"SECRET before section\n", "k = v\n[a]\n", "[a\n", "[]\n", "[a]\nnoequals\n", "[a]\nx = \x01\n"}) {
    const Status s = Ini(bad).status();
    EXPECT_EQ(s.code(), Code::kFormat) << bad;
    EXPECT_EQ(s.message().find("SECRET"), std::string::npos);
  }
}

TEST_F(MergeTest, JsonIntoNothingIsANewConfig) {
  EXPECT_EQ(*Json(""),
            "{\n  \"current\": \"default\",\n  \"profiles\": [\n    {\"name\":\"default\",\"mode\":\"AK\"}\n  ],"
            "\n  \"meta_path\": \"\"\n}\n");
}

TEST_F(MergeTest, JsonKeepsEveryOtherMemberAndProfile) {
  const std::string before =
      "{\"current\":\"dev\",\"profiles\":[{\"name\":\"dev\",\"k\":[1,-2.5e3,true,null,\"\\u00e9\"]}],\"x\":{}}";
  EXPECT_EQ(
      *Json(before),
      "{\n  \"current\": \"dev\",\n  \"profiles\": [\n    {\"name\":\"dev\",\"k\":[1,-2.5e3,true,null,\"\\u00e9\"]},"
      "\n    {\"name\":\"default\",\"mode\":\"AK\"}\n  ],\n  \"x\": {}\n}\n");
}

TEST_F(MergeTest, JsonSameNameNeedsReplaceAndEmptyCurrentIsSet) {
  const std::string before =
      "{\"current\":\"\",\"profiles\":[{\"name\":\"def\\u0061ult\",\"s\":\"SECRET\"},{\"name\":\"b\"}]}";
  EXPECT_EQ(Json(before).status().code(), Code::kConflict);
  EXPECT_EQ(*Json(before, true),
            "{\n  \"current\": \"default\",\n  \"profiles\": [\n    {\"name\":\"b\"},\n"
            "    {\"name\":\"default\",\"mode\":\"AK\"}\n  ]\n}\n");
}

TEST_F(MergeTest, JsonRefusesWhatItCannotRead) {
  const std::string deep = std::string(100, '[') + std::string(100, ']');
  for (const std::string& bad :
       {std::string("[]"), std::string("{\"a\":SECRET}"), std::string("{\"a\":1} x"), std::string("{\"a\":\"\x01\"}"),
        std::string("{\"a\":01}"), std::string("{\"profiles\":{}}"), std::string("{\"a\":\"\\q\"}"),
        "{\"a\":" + deep + "}", std::string("{\"profiles\":[],\"profiles\":[]}")}) {
    const Status s = Json(bad).status();
    EXPECT_EQ(s.code(), Code::kFormat) << bad;
    EXPECT_EQ(s.message().find("SECRET"), std::string::npos);
  }
}

}  // namespace
}  // namespace akv
