// F3: a bundle password arriving the way the CLI reads it (--password-file,
// first line via ReadSecretLine) opens the bundle whatever the line ending,
// and a file the reader refuses never reaches the key derivation.
#include <gtest/gtest.h>

#include "tests/support/test_support.h"
#include "tests/unit/bundle/bundle_test_util.h"
#include "vault/bundle/seal.h"
#include "vault/crypto/random.h"
#include "vault/fs/secure_file.h"

namespace akv {
namespace {

using namespace ::akv::testing;

class PasswordFileTest : public ::testing::Test {
 protected:
  SecretBuffer canonical_ = CanonicalPassword(0x50);
  std::string shown_ = std::string(DisplayPassword(0x50).view());
  TempDir dir_;
  CountingKdf kdf_;

  Bytes Bundle() {
    SeededRng rng(1);
    Result<SealedBundle> sealed = SealBundle(SamplePayload(1), PasswordOptions(canonical_), rng);
    EXPECT_TRUE(sealed.ok());
    return sealed->bytes;
  }
  // The code `open --password-file` ends with: ReadSecretLine, then OpenBundle.
  Code OpenWithFile(const std::string& content) {
    const std::string path = dir_.File("pw" + std::to_string(++files_));
    WriteText(path, content, 0600);
    Result<SecretBuffer> line = ReadSecretLine(path, "--password-file");
    if (!line.ok()) return line.status().code();
    OpenOptions o;
    o.password = &*line;
    o.now = kNow;
    o.kdf_fn = kdf_.Fn();
    return OpenBundle(Bundle(), o).status().code();
  }
  int files_ = 0;
};

TEST_F(PasswordFileTest, AnyLineEndingAndTypingOpens) {  // F3
  EXPECT_EQ(OpenWithFile(shown_ + "\n"), Code::kOk);
  EXPECT_EQ(OpenWithFile(shown_ + "\r\n"), Code::kOk);
  EXPECT_EQ(OpenWithFile(shown_), Code::kOk);                              // no final newline
  EXPECT_EQ(OpenWithFile(shown_ + "\nsecond line ignored\n"), Code::kOk);  // first line only
  std::string typed = shown_;
  for (char& c : typed) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_EQ(OpenWithFile(typed + "\r\n"), Code::kOk);
  EXPECT_EQ(kdf_.calls, 5);
}

TEST_F(PasswordFileTest, RefusedFilesNeverReachTheKdf) {  // F3
  EXPECT_EQ(OpenWithFile(""), Code::kInput);
  EXPECT_EQ(OpenWithFile("\n"), Code::kInput);
  EXPECT_EQ(OpenWithFile(std::string(1 << 20, 'A') + "\n"), Code::kInput);  // a 1 MiB line: over the 1 KiB cap
  EXPECT_EQ(OpenWithFile(shown_ + " extra\n"), Code::kInput);               // 30 symbols
  EXPECT_EQ(OpenWithFile(shown_ + "\r\r\n"), Code::kInput);                 // a CR left in the line
  EXPECT_EQ(kdf_.calls, 0);
}

}  // namespace
}  // namespace akv
