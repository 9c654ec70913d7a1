#include "vault/crypto/mac.h"

#include <sodium.h>

#include <cstdlib>
#include <cstring>

namespace akv {

static_assert(kMacBytes == crypto_auth_BYTES);
static_assert(kMacBytes == crypto_generichash_BYTES);

SecretBuffer DeriveSubkey(const SecretBuffer& master, std::uint64_t subkey_id, std::string_view context) {
  if (context.size() != crypto_kdf_CONTEXTBYTES || master.size() != crypto_kdf_KEYBYTES) std::abort();
  SecretBuffer subkey(32);
  crypto_kdf_derive_from_key(subkey.data(), subkey.size(), subkey_id, context.data(), master.data());
  return subkey;
}

namespace {
Mac GenericHash(const std::uint8_t* key, std::size_t key_len, std::initializer_list<ByteView> parts) {
  crypto_generichash_state state;
  crypto_generichash_init(&state, key, key_len, kMacBytes);
  for (ByteView part : parts) crypto_generichash_update(&state, part.data(), part.size());
  Mac out;
  crypto_generichash_final(&state, out.data(), out.size());
  sodium_memzero(&state, sizeof state);
  return out;
}
}  // namespace

Mac KeyedHash(const SecretBuffer& key, std::initializer_list<ByteView> parts) {
  if (key.size() != 32) std::abort();
  return GenericHash(key.data(), key.size(), parts);
}

KeyedHasher::KeyedHasher(const SecretBuffer& key) : keyed_state_(sizeof(crypto_generichash_state)) {
  if (key.size() != 32) std::abort();
  crypto_generichash_state state;
  crypto_generichash_init(&state, key.data(), key.size(), kMacBytes);
  std::memcpy(keyed_state_.data(), &state, sizeof state);
  sodium_memzero(&state, sizeof state);
}

Mac KeyedHasher::operator()(std::initializer_list<ByteView> parts) const {
  // The state is plain bytes (no pointers); it is copied into an aligned
  // local for libsodium and wiped after use.
  crypto_generichash_state state;
  std::memcpy(&state, keyed_state_.data(), sizeof state);
  for (ByteView part : parts) crypto_generichash_update(&state, part.data(), part.size());
  Mac out;
  crypto_generichash_final(&state, out.data(), out.size());
  sodium_memzero(&state, sizeof state);
  return out;
}

Mac Hash(std::initializer_list<ByteView> parts) { return GenericHash(nullptr, 0, parts); }

Mac Hmac(const SecretBuffer& key, ByteView message) {
  if (key.size() != crypto_auth_KEYBYTES) std::abort();
  Mac out;
  crypto_auth(out.data(), message.data(), message.size(), key.data());
  return out;
}

bool HmacVerify(const SecretBuffer& key, ByteView message, ByteView mac) {
  if (key.size() != crypto_auth_KEYBYTES) std::abort();
  if (mac.size() != crypto_auth_BYTES) return false;
  return crypto_auth_verify(mac.data(), message.data(), message.size(), key.data()) == 0;
}

bool ConstantTimeEqual(ByteView a, ByteView b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool IsAllZero(ByteView bytes) { return sodium_is_zero(bytes.data(), bytes.size()) == 1; }

void Wipe(std::span<std::uint8_t> bytes) {
  if (!bytes.empty()) sodium_memzero(bytes.data(), bytes.size());
}

}  // namespace akv
