// The validation of what a key record holds: IDs, secrets and names.
#include "vault/key_record.h"

#include <gtest/gtest.h>

#include <string>

namespace akv {
namespace {

// Every byte value, alone and in the middle of a valid ID: exactly
// [A-Za-z0-9] passes (the table lookup is checked against the definition).
TEST(KeyRecordTest, IsAlphanumericAcceptsExactlyTheConsoleAlphabet) {
  EXPECT_TRUE(IsAlphanumeric(""));
  for (int c = 0; c < 256; ++c) {
    const char ch = static_cast<char>(c);
    const bool expected = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
    EXPECT_EQ(IsAlphanumeric(std::string(1, ch)), expected) << c;
    EXPECT_EQ(IsAlphanumeric("LTAI5t" + std::string(1, ch) + "abcdefghij0123456"), expected) << c;
  }
}

TEST(KeyRecordTest, ValidationRefusesWhatIsOutsideTheAlphabet) {
  EXPECT_TRUE(ValidateAccessKeyId("LTAI5tAAAAAAAAAAAAAAAAAA").ok());
  EXPECT_EQ(ValidateAccessKeyId("LTAI5t-AAAAAAAAAAAAAAAAA").code(), Code::kUsage);
  EXPECT_EQ(ValidateAccessKeyId(std::string("LTAI5t\0AAAAAAAAAAAAAAAA", 24)).code(), Code::kUsage);
  EXPECT_EQ(ValidateAccessKeyId("").code(), Code::kUsage);
  EXPECT_EQ(ValidateAccessKeyId(std::string(129, 'A')).code(), Code::kUsage);
  EXPECT_TRUE(ValidateSecret("abcdefghijABCDEFGHIJ0123456789").ok());
  EXPECT_EQ(ValidateSecret("abcdefghijABCDEFGHIJ012345678 ").code(), Code::kInput);
  EXPECT_EQ(ValidateSecret("abcdefghij\xC3\xA9").code(), Code::kInput);
  EXPECT_EQ(ValidateSecret("").code(), Code::kInput);
  EXPECT_EQ(ValidateSecret(std::string(257, 'a')).code(), Code::kInput);
}

}  // namespace
}  // namespace akv
