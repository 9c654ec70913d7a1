#include "tests/unit/bundle/bundle_test_util.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <stdexcept>

#include "vault/bundle/password.h"
#include "vault/crypto/init.h"
#include "vault/crypto/mac.h"
#include "vault/crypto/random.h"

namespace akv::testing {
namespace {

// sodium_init before any test of this executable (SecretBuffer needs it).
class CryptoEnvironment : public ::testing::Environment {
 public:
  void SetUp() override { ASSERT_TRUE(InitCrypto().ok()); }
};
[[maybe_unused]] const auto* const kCryptoEnvironment = ::testing::AddGlobalTestEnvironment(new CryptoEnvironment);

}  // namespace

std::string SampleSecret(int n) {
  std::string secret = "TestSecretOnlyForBundleVector0";  // 30 characters
  secret.back() = static_cast<char>('0' + n % 10);
  secret[secret.size() - 2] = static_cast<char>('0' + n / 10 % 10);
  return secret;
}

BundlePayload SamplePayload(int count) {
  BundlePayload payload;
  for (int n = 1; n <= count; ++n) {
    BundleKey key;
    std::string id = "LTAI5tBundleTest00000000";
    id.back() = static_cast<char>('0' + n % 10);
    id[id.size() - 2] = static_cast<char>('0' + n / 10 % 10);
    key.akid = id;
    key.secret = SecretBuffer::CopyOf(SampleSecret(n));
    key.owner = "alice";
    if (n % 2 == 1) key.app = "billing-api";
    key.created = "2026-01-01";
    key.rotate_days = 90;
    key.deadline = "2026-04-01";
    payload.keys.push_back(std::move(key));
  }
  return payload;
}

std::string PayloadText(const BundlePayload& payload) {
  Result<SecretBuffer> json = EncodePayload(payload);
  if (!json.ok()) throw std::runtime_error("EncodePayload: " + json.status().ToString());
  return std::string(json->view());
}

SecretBuffer DisplayPassword(std::uint8_t seed) {
  SeededRng rng(seed);
  return GenerateBundlePassword(rng);
}

SecretBuffer CanonicalPassword(std::uint8_t seed) {
  Result<SecretBuffer> canonical = NormalizeBundlePassword(DisplayPassword(seed));
  if (!canonical.ok()) throw std::runtime_error("generated password does not normalise");
  return std::move(canonical).value();
}

BoxKeyPair SeededIdentity(std::uint8_t seed) {
  SeededRng rng(seed);
  return GenerateBoxKeyPair(rng);
}

Result<SecretBuffer> FastKdf(std::span<const std::uint8_t> password, ByteView salt, const KdfParams& params) {
  AKV_RETURN_IF_ERROR(CheckKdfBounds(kKdfAlgArgon2id13, params));
  Bytes numbers;
  AppendU32BE(numbers, params.ops);
  AppendU64BE(numbers, params.mem_bytes);
  Mac key = Hash({AsBytes("akvault/test-only-fast-kdf"), password, salt, numbers});
  return SecretBuffer::CopyOf(key);
}

SealOptions PasswordOptions(const SecretBuffer& canonical_password, PasswordKdfFn kdf_fn) {
  SealOptions o;
  o.password = &canonical_password;
  o.created = kCreated;
  o.expires = kExpires;
  o.kdf = kMinKdf;
  o.kdf_fn = std::move(kdf_fn);
  return o;
}

SealOptions RecipientOptions(std::vector<BoxPublicKey> recipients) {
  SealOptions o;
  o.recipients = std::move(recipients);
  o.created = kCreated;
  o.expires = kExpires;
  return o;
}

VectorFile ReadVectorFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  const std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  VectorFile v;
  v.name = path.substr(path.find_last_of('/') + 1);
  std::size_t pos = 0;
  for (;;) {
    const std::size_t nl = all.find('\n', pos);
    if (nl == std::string::npos) throw std::runtime_error(path + ": no blank line before the body");
    const std::string line = all.substr(pos, nl - pos);
    pos = nl + 1;
    if (line.empty()) break;
    const std::size_t colon = line.find(": ");
    if (colon == std::string::npos) throw std::runtime_error(path + ": bad header line " + line);
    if (!v.fields.emplace(line.substr(0, colon), line.substr(colon + 2)).second) {
      throw std::runtime_error(path + ": repeated field in " + line);
    }
  }
  v.body.assign(all.begin() + static_cast<std::ptrdiff_t>(pos), all.end());
  return v;
}

std::string FormatVectorFile(const std::vector<std::pair<std::string, std::string>>& fields, ByteView body) {
  std::string out;
  for (const auto& [key, value] : fields) out += key + ": " + value + "\n";
  out += "\n";
  out.append(AsText(body));
  return out;
}

}  // namespace akv::testing
