// Credentials-file renderers: exact output, parsed by the real consumers'
// parsers (Python json / configparser), and no injection (A17).
#include "vault/credentials/render.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>

#include "tests/support/test_support.h"

namespace akv {
namespace {

using ::akv::testing::Secret;
using ::akv::testing::TempDir;
using ::akv::testing::WriteText;

const std::string kId1 = "LTAI5tRenderTest00000001";
const std::string kId2 = "LTAI5tRenderTest00000002";
const std::string kSecret1 = "RenderTestSecretOnly0000000001";
const std::string kSecret2 = "RenderTestSecretOnly0000000002";

class RenderTest : public ::testing::Test {
 protected:
  SecretBuffer s1_ = Secret(kSecret1);
  SecretBuffer s2_ = Secret(kSecret2);
  std::vector<Credential> One() { return {{"billing-api", kId1, &s1_, "alice", "billing-api"}}; }
  std::vector<Credential> Two() {
    return {{"billing-api", kId1, &s1_, "alice", "billing-api"}, {"alice", kId2, &s2_, "alice", std::nullopt}};
  }
  std::string Render(CredentialFormat f, const std::vector<Credential>& c, const std::string& region = "cn-hangzhou") {
    Result<SecretBuffer> out = RenderCredentials(f, c, region);
    EXPECT_TRUE(out.ok()) << out.status().ToString();
    return out.ok() ? std::string(out->view()) : std::string();
  }
};

TEST_F(RenderTest, ParsesFormatNames) {
  EXPECT_EQ(ParseCredentialFormat("env"), CredentialFormat::kEnv);
  EXPECT_EQ(ParseCredentialFormat("json"), CredentialFormat::kJson);
  EXPECT_EQ(ParseCredentialFormat("ini"), CredentialFormat::kIni);
  EXPECT_EQ(ParseCredentialFormat("aliyun"), CredentialFormat::kAliyun);
  EXPECT_EQ(ParseCredentialFormat("export-env"), CredentialFormat::kExportEnv);
  EXPECT_FALSE(ParseCredentialFormat("ENV"));
  EXPECT_FALSE(ParseCredentialFormat(""));
  EXPECT_FALSE(ParseCredentialFormat("yaml"));
}

TEST_F(RenderTest, EnvHoldsExactlyOneKey) {
  EXPECT_EQ(Render(CredentialFormat::kEnv, One()),
            "ALIBABA_CLOUD_ACCESS_KEY_ID=" + kId1 + "\nALIBABA_CLOUD_ACCESS_KEY_SECRET=" + kSecret1 + "\n");
  Result<SecretBuffer> two = RenderCredentials(CredentialFormat::kEnv, Two(), "cn-hangzhou");
  EXPECT_EQ(two.status().code(), Code::kUsage);
  EXPECT_EQ(two.status().message(), "the env format holds one key; choose one with --profile NAME");
  EXPECT_EQ(RenderCredentials(CredentialFormat::kJson, {}, "cn-hangzhou").status().code(), Code::kUsage);
  EXPECT_EQ(
      Render(CredentialFormat::kExportEnv, One()),
      "export ALIBABA_CLOUD_ACCESS_KEY_ID=" + kId1 + "\nexport ALIBABA_CLOUD_ACCESS_KEY_SECRET=" + kSecret1 + "\n");
  EXPECT_EQ(RenderCredentials(CredentialFormat::kExportEnv, Two(), "cn-hangzhou").status().code(), Code::kUsage);
}

TEST_F(RenderTest, IniIsTheAlibabaCloudCredentialsFile) {
  EXPECT_EQ(Render(CredentialFormat::kIni, Two()),
            "[billing-api]\nenable = true\ntype = access_key\naccess_key_id = " + kId1 + "\naccess_key_secret = " +
                kSecret1 + "\n\n[alice]\nenable = true\ntype = access_key\naccess_key_id = " + kId2 +
                "\naccess_key_secret = " + kSecret2 + "\n");
}

TEST_F(RenderTest, JsonAndAliyunAndCredentialProcessAreExact) {
  EXPECT_EQ(Render(CredentialFormat::kJson, Two()),
            "{\"credentials\":[\n  {\"profile\":\"billing-api\",\"access_key_id\":\"" + kId1 +
                "\",\"access_key_secret\":\"" + kSecret1 +
                "\",\"owner\":\"alice\",\"app\":\"billing-api\"},\n"
                "  {\"profile\":\"alice\",\"access_key_id\":\"" +
                kId2 + "\",\"access_key_secret\":\"" + kSecret2 + "\",\"owner\":\"alice\",\"app\":null}\n]}\n");
  EXPECT_EQ(Render(CredentialFormat::kAliyun, One(), "ap-southeast-1"),
            "{\n  \"current\": \"billing-api\",\n  \"profiles\": [\n    {\"name\":\"billing-api\",\"mode\":\"AK\","
            "\"access_key_id\":\"" +
                kId1 + "\",\"access_key_secret\":\"" + kSecret1 +
                "\",\"region_id\":\"ap-southeast-1\",\"output_format\":\"json\",\"language\":\"en\"}\n  ],\n"
                "  \"meta_path\": \"\"\n}\n");
  Result<SecretBuffer> cp = RenderCredentialProcess(kId1, s1_);
  ASSERT_TRUE(cp.ok());
  EXPECT_EQ(cp->view(),
            "{\"mode\":\"AK\",\"access_key_id\":\"" + kId1 + "\",\"access_key_secret\":\"" + kSecret1 + "\"}\n");
}

// The consumers' own parsers read what we write. Python is what the
// acceptance tests and most tooling around these files use.
TEST_F(RenderTest, PythonJsonAndConfigparserReadTheOutput) {
  if (std::system("python3 -c 'import json, configparser' >/dev/null 2>&1") != 0) GTEST_SKIP() << "no python3";
  TempDir dir;
  const std::string script = dir.File("check.py");
  WriteText(script, R"(import json, configparser, sys
kind, path = sys.argv[1], sys.argv[2]
text = open(path).read()
if kind == 'ini':
    c = configparser.ConfigParser(); c.read_string(text)
    print(';'.join(s + ':' + c[s]['type'] + ':' + c[s]['access_key_id'] + ':' + c[s]['access_key_secret'] + ':' + c[s]['enable'] for s in c.sections()))
elif kind == 'json':
    d = json.loads(text)
    print(';'.join(k['profile'] + ':' + k['access_key_id'] + ':' + k['access_key_secret'] + ':' + k['owner'] + ':' + str(k['app']) for k in d['credentials']))
elif kind == 'aliyun':
    d = json.loads(text)
    print(d['current'] + '|' + ';'.join(p['name'] + ':' + p['mode'] + ':' + p['access_key_id'] + ':' + p['access_key_secret'] + ':' + p['region_id'] for p in d['profiles']) + '|' + repr(d['meta_path']))
else:
    d = json.loads(text)
    print(d['mode'] + ':' + d['access_key_id'] + ':' + d['access_key_secret'] + ':' + str(len(d)))
)",
            0600);
  auto run = [&](const std::string& kind, const std::string& content) {
    const std::string path = dir.File(kind + ".out");
    WriteText(path, content, 0600);
    FILE* p = ::popen(("python3 " + script + " " + kind + " " + path + " 2>&1").c_str(), "r");
    std::string out;
    std::array<char, 512> buf;
    while (std::fgets(buf.data(), buf.size(), p) != nullptr) out += buf.data();
    EXPECT_EQ(::pclose(p), 0) << out;
    return out;
  };
  EXPECT_EQ(run("ini", Render(CredentialFormat::kIni, Two())), "billing-api:access_key:" + kId1 + ":" + kSecret1 +
                                                                   ":true;alice:access_key:" + kId2 + ":" + kSecret2 +
                                                                   ":true\n");
  EXPECT_EQ(
      run("json", Render(CredentialFormat::kJson, Two())),
      "billing-api:" + kId1 + ":" + kSecret1 + ":alice:billing-api;alice:" + kId2 + ":" + kSecret2 + ":alice:None\n");
  EXPECT_EQ(run("aliyun", Render(CredentialFormat::kAliyun, Two())), "billing-api|billing-api:AK:" + kId1 + ":" +
                                                                         kSecret1 + ":cn-hangzhou;alice:AK:" + kId2 +
                                                                         ":" + kSecret2 + ":cn-hangzhou|''\n");
  EXPECT_EQ(run("process", std::string(RenderCredentialProcess(kId1, s1_)->view())),
            "AK:" + kId1 + ":" + kSecret1 + ":3\n");
}

// A17: profile names that could open a section, a line or a field.
TEST_F(RenderTest, ValidatesProfileNames) {
  for (const char* ok : {"default", "billing-api", "a", "A.b_c-9"}) EXPECT_TRUE(ValidateProfileName(ok).ok()) << ok;
  EXPECT_TRUE(ValidateProfileName(std::string(64, 'p')).ok());
  for (const std::string& bad : {std::string("default]\n[x"), std::string(""), std::string(65, 'p'), std::string("a b"),
                                 std::string("a=b"), std::string("a\"b"), std::string("a]"), std::string("[a"),
                                 std::string("a\nb"), std::string("a\rb"), std::string("a\0b", 3), std::string("a/b"),
                                 std::string("a;b"), std::string("a#b"), std::string("\xc3\xa9"), std::string("a@b")}) {
    Status s = ValidateProfileName(bad);
    EXPECT_EQ(s.code(), Code::kUsage) << bad;
    EXPECT_FALSE(s.hint().empty());
  }
}

// A17: every field, every format: refused, never written.
TEST_F(RenderTest, RefusesInjectionInEveryFieldAndFormat) {
  const std::vector<std::string> nasty = {"x\nALIBABA_CLOUD_ACCESS_KEY_ID=evil",
                                          "x=y",
                                          "x]\n[evil",
                                          "x\"y",
                                          "x\\y",
                                          std::string("x\0y", 3),
                                          "x y",
                                          "x\r",
                                          "\xc3\xa9",
                                          "x#y",
                                          "x;y",
                                          "x'y",
                                          "$(touch /tmp/pwn)",
                                          "x`id`"};
  for (CredentialFormat f :
       {CredentialFormat::kEnv, CredentialFormat::kJson, CredentialFormat::kIni, CredentialFormat::kAliyun}) {
    for (const std::string& bad : nasty) {
      SecretBuffer bad_secret = Secret(bad);
      std::vector<std::vector<Credential>> attempts = {
          {{"p", bad, &s1_, "alice", std::nullopt}},          // AccessKey ID
          {{"p", kId1, &bad_secret, "alice", std::nullopt}},  // secret
          {{bad, kId1, &s1_, "alice", std::nullopt}},         // profile
          {{"p", kId1, &s1_, bad, std::nullopt}},             // owner
          {{"p", kId1, &s1_, "alice", bad}},                  // app
      };
      for (const auto& creds : attempts) {
        Result<SecretBuffer> out = RenderCredentials(f, creds, "cn-hangzhou");
        ASSERT_FALSE(out.ok()) << static_cast<int>(f) << " accepted " << bad;
        EXPECT_TRUE(out.status().code() == Code::kUsage || out.status().code() == Code::kInput);
        EXPECT_EQ(out.status().message().find(kSecret1), std::string::npos);
      }
    }
  }
  for (const std::string& bad : {std::string("cn-hangzhou\"}"), std::string("CN-HANGZHOU"), std::string(""),
                                 std::string("cn hangzhou"), std::string(33, 'a')}) {
    EXPECT_EQ(RenderCredentials(CredentialFormat::kAliyun, One(), bad).status().code(), Code::kUsage) << bad;
  }
  for (const std::string& bad : nasty) {
    EXPECT_FALSE(RenderCredentialProcess(bad, s1_).ok());
    EXPECT_FALSE(RenderCredentialProcess(kId1, Secret(bad)).ok());
  }
  // The region only matters to the aliyun format.
  EXPECT_TRUE(RenderCredentials(CredentialFormat::kIni, One(), "").ok());
}

TEST_F(RenderTest, RefusesDuplicateProfilesAndIniDefault) {
  std::vector<Credential> dup = Two();
  dup[1].profile = dup[0].profile;
  for (CredentialFormat f : {CredentialFormat::kJson, CredentialFormat::kIni, CredentialFormat::kAliyun}) {
    EXPECT_EQ(RenderCredentials(f, dup, "cn-hangzhou").status().code(), Code::kUsage);
  }
  std::vector<Credential> def = One();
  def[0].profile = "DEFAULT";
  EXPECT_EQ(RenderCredentials(CredentialFormat::kIni, def, "cn-hangzhou").status().code(), Code::kUsage);
  EXPECT_TRUE(RenderCredentials(CredentialFormat::kAliyun, def, "cn-hangzhou").ok());
  def[0].secret = nullptr;
  EXPECT_EQ(RenderCredentials(CredentialFormat::kAliyun, def, "cn-hangzhou").status().code(), Code::kInternal);
}

}  // namespace
}  // namespace akv
