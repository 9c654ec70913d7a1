// H2-7a: the inherited variables exec removes before setting the bundle's key.
#include "cli/credential_env.h"

#include <gtest/gtest.h>

namespace akv::cli {
namespace {

TEST(CredentialEnvTest, RemovesEveryInheritedCredentialVariable) {
  for (const char* entry :
       {"ALIBABA_CLOUD_ACCESS_KEY_ID=LTAIold", "ALIBABA_CLOUD_ACCESS_KEY_SECRET=x", "ALIBABA_CLOUD_SECURITY_TOKEN=sts",
        "ALIBABA_CLOUD_PROFILE=other", "ALIBABA_CLOUD_CREDENTIALS_FILE=/tmp/c",
        "ALIBABA_CLOUD_ROLE_ARN=acs:ram::1:role/r", "ALIBABA_CLOUD_ECS_METADATA=role", "ALIBABACLOUD_ACCESS_KEY_ID=a",
        "ALIBABACLOUD_SECURITY_TOKEN=t", "ALICLOUD_ACCESS_KEY=a", "ALICLOUD_SECRET_KEY=s", "ALICLOUD_SECURITY_TOKEN=t",
        "ACCESS_KEY_ID=a", "ACCESS_KEY_SECRET=s", "SECURITY_TOKEN=t", "ALIBABA_CLOUD_EMPTY=", "ALICLOUD_NOVALUE"}) {
    EXPECT_TRUE(IsInheritedCredentialVariable(entry)) << entry;
  }
}

TEST(CredentialEnvTest, KeepsEverythingElse) {
  for (const char* entry :
       {"PATH=/usr/bin", "HOME=/root", "ALIBABA_CLOUD_REGION_ID=cn-shanghai", "ALICLOUD_REGION=cn-beijing",
        "ALIBABACLOUD_REGION_ID=cn-hangzhou", "MY_ALIBABA_CLOUD_ACCESS_KEY_ID=x", "AWS_SECURITY_TOKEN=t",
        "SECURITY_TOKEN_FILE=/x", "ACCESS_KEY=a", "AKVAULT_PROFILE=p"}) {
    EXPECT_FALSE(IsInheritedCredentialVariable(entry)) << entry;
  }
}

}  // namespace
}  // namespace akv::cli
