#include "vault/crypto/aead.h"

#include <sodium.h>

#include <cstdlib>

namespace akv {

static_assert(kAeadKeyBytes == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
static_assert(kAeadNonceBytes == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
static_assert(kAeadTagBytes == crypto_aead_xchacha20poly1305_ietf_ABYTES);

Bytes AeadSeal(const SecretBuffer& key, ByteView nonce, ByteView plaintext, ByteView associated_data) {
  if (key.size() != kAeadKeyBytes || nonce.size() != kAeadNonceBytes) std::abort();  // a bug, not input
  Bytes out(plaintext.size() + kAeadTagBytes);
  unsigned long long out_len = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(out.data(), &out_len, plaintext.data(), plaintext.size(),
                                             associated_data.data(), associated_data.size(), nullptr, nonce.data(),
                                             key.data());
  out.resize(out_len);
  return out;
}

Result<SecretBuffer> AeadOpen(const SecretBuffer& key, ByteView nonce, ByteView ciphertext, ByteView associated_data) {
  if (key.size() != kAeadKeyBytes || nonce.size() != kAeadNonceBytes) std::abort();
  if (ciphertext.size() < kAeadTagBytes) return Status::Tampered("ciphertext shorter than its tag");
  SecretBuffer plain(ciphertext.size() - kAeadTagBytes);
  unsigned long long plain_len = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(plain.data(), &plain_len, nullptr, ciphertext.data(),
                                                 ciphertext.size(), associated_data.data(), associated_data.size(),
                                                 nonce.data(), key.data()) != 0) {
    return Status::Tampered("authentication failed");
  }
  plain.Truncate(plain_len);
  return plain;
}

Result<std::size_t> AeadOpenInto(const SecretBuffer& key, ByteView nonce, ByteView ciphertext,
                                 ByteView associated_data, std::span<std::uint8_t> out) {
  if (key.size() != kAeadKeyBytes || nonce.size() != kAeadNonceBytes) std::abort();
  if (ciphertext.size() < kAeadTagBytes) return Status::Tampered("ciphertext shorter than its tag");
  if (out.size() < ciphertext.size() - kAeadTagBytes) std::abort();  // a bug, not input
  unsigned long long plain_len = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(out.data(), &plain_len, nullptr, ciphertext.data(),
                                                 ciphertext.size(), associated_data.data(), associated_data.size(),
                                                 nonce.data(), key.data()) != 0) {
    return Status::Tampered("authentication failed");
  }
  return static_cast<std::size_t>(plain_len);
}

}  // namespace akv
