#include "vault/crypto/box.h"

#include <sodium.h>

#include "vault/crypto/box_check.h"
#include "vault/crypto/random.h"

namespace akv {

static_assert(kBoxPublicKeyBytes == crypto_box_PUBLICKEYBYTES);
static_assert(kBoxSecretKeyBytes == crypto_box_SECRETKEYBYTES);
static_assert(kBoxSealOverhead == crypto_box_SEALBYTES);

BoxKeyPair GenerateBoxKeyPair(Rng& rng) {
  SecretBuffer seed(crypto_box_SEEDBYTES);
  rng.Fill(seed.span());
  BoxKeyPair pair;
  pair.secret_key = SecretBuffer(kBoxSecretKeyBytes);
  crypto_box_seed_keypair(pair.public_key.data(), pair.secret_key.data(), seed.data());
  return pair;
}

BoxPublicKey PublicKeyFor(const SecretBuffer& secret_key) {
  BoxPublicKey pk{};
  crypto_scalarmult_base(pk.data(), secret_key.data());
  return pk;
}

Result<Bytes> BoxSeal(const BoxPublicKey& recipient, ByteView plaintext) {
  Bytes out(plaintext.size() + kBoxSealOverhead);
  if (crypto_box_seal(out.data(), plaintext.data(), plaintext.size(), recipient.data()) != 0) {
    return Status::Usage("cannot seal to this recipient public key (it is of low order)",
                         "ask the recipient for the public key that `akvault keygen` printed");
  }
  return out;
}

Result<SecretBuffer> BoxSealOpen(const BoxKeyPair& identity, ByteView sealed) {
  if (sealed.size() < kBoxSealOverhead) return Status::Format("sealed stanza too short");
  SecretBuffer plain(sealed.size() - kBoxSealOverhead);
  if (crypto_box_seal_open(plain.data(), sealed.data(), sealed.size(), identity.public_key.data(),
                           identity.secret_key.data()) == 0) {
    // Opening proves the ephemeral key is not of low order: with one,
    // crypto_box_seal_open's X25519 gives the all-zero secret, which libsodium
    // refuses. So the check below costs a second X25519 only on failure.
    return plain;
  }
  // A crafted stanza (an ephemeral key that no honest sender could produce)
  // is a format error rather than an ordinary "not for you".
  if (IsLowOrderPoint(sealed.first(kBoxPublicKeyBytes))) {
    return Status::Format("recipient stanza has a low-order ephemeral key");
  }
  return Status::NoMatch("stanza not sealed to this identity");
}

}  // namespace akv
