#include "vault/crypto/box.h"

#include <sodium.h>

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
  ByteView ephemeral = sealed.first(kBoxPublicKeyBytes);
  if (sodium_is_zero(ephemeral.data(), ephemeral.size())) {
    return Status::Format("recipient stanza has an all-zero ephemeral key");
  }
  // X25519 with any clamped scalar (a multiple of the cofactor 8) gives the
  // all-zero point exactly when the input is of low order; libsodium reports
  // that as -1. Checking here, before crypto_box_seal_open, makes a crafted
  // stanza a format error rather than an ordinary "not for you".
  SecretBuffer shared(crypto_scalarmult_BYTES);
  if (crypto_scalarmult(shared.data(), identity.secret_key.data(), ephemeral.data()) != 0) {
    return Status::Format("recipient stanza has a low-order ephemeral key");
  }
  SecretBuffer plain(sealed.size() - kBoxSealOverhead);
  if (crypto_box_seal_open(plain.data(), sealed.data(), sealed.size(), identity.public_key.data(),
                           identity.secret_key.data()) != 0) {
    return Status::NoMatch("stanza not sealed to this identity");
  }
  return plain;
}

}  // namespace akv
