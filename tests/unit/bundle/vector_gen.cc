// bundle_vector_gen DIR: writes the test vectors of tests/vectors/bundle/
// into DIR and prints an annotated hex dump of password_ok.akb (for
// docs/bundle-format.md) on stdout.
//
// Password-mode vectors are reproducible (SeededRng); the test checks them
// byte for byte in both directions. Recipient-mode vectors depend on
// crypto_box_seal's own ephemeral keys, so rerunning this tool changes them;
// they are checked in the open direction only. Not part of the test suite.
#include "tests/unit/bundle/vector_gen.h"

#include <iostream>

#include "vault/crypto/init.h"

namespace akv::testing {
namespace {

void PasswordVectors() {
  const SecretBuffer password = CanonicalPassword(kPasswordSeed);
  const std::string shown = Text(DisplayPassword(kPasswordSeed));
  const std::string payload = PayloadText(SamplePayload(1));
  const std::string seal = "seed=1 created=" + Num(kCreated) + " expires=" + Num(kExpires) + " ops=2 mem=67108864";
  const Bytes ok = MustSeal(SamplePayload(1), PasswordOptions(password, {}), kBundleSeed);
  const Fields base = {{"password", shown}, {"now", Num(kNow)}};
  auto with = [&](std::string expect, std::string comment, Fields extra = {}) {
    Fields f = {{"expect", expect}, {"comment", comment}};
    f.insert(f.end(), base.begin(), base.end());
    f.insert(f.end(), extra.begin(), extra.end());
    return f;
  };
  Write("password_ok.akb",
        with("success", "password mode, one key, Argon2id ops 2 mem 64 MiB", {{"payload", payload}, {"seal", seal}}),
        ok);
  Write("password_ok_armored.akb",
        with("success", "password_ok.akb armored", {{"payload", payload}, {"seal", seal + " armor=yes"}}), Armored(ok));
  Fields wrong = {{"expect", "auth failure"},
                  {"comment", "A4: a valid password, but not this bundle's"},
                  {"password", Text(DisplayPassword(kOtherPasswordSeed))},
                  {"now", Num(kNow)}};
  Write("password_wrong.akb", wrong, ok);
  std::string typo = shown;
  typo[0] = typo[0] == 'A' ? 'B' : 'A';
  Write("password_typo.akb",
        {{"expect", "auth failure"},
         {"comment", "one symbol mistyped: the check symbol catches it before Argon2id"},
         {"password", typo},
         {"now", Num(kNow)}},
        ok);
  Write("password_expired.akb",
        {{"expect", "expired"},
         {"comment", "A6: now == expires is expired"},
         {"password", shown},
         {"now", Num(kExpires)}},
        ok);
  Write("password_created_in_future.akb",
        {{"expect", "expired"},
         {"comment", "A6: created 301 s after now (skew margin 300 s)"},
         {"password", shown},
         {"now", Num(kCreated - 301)}},
        ok);
  Bytes b = ok;
  PutU64(b, kExpiresAt, kExpires + 86400 * 365);
  Write("password_expiry_extended.akb", with("auth failure", "A6: expires edited in place (it is in the wrap's AAD)"),
        b);
  b = ok;
  b[kPwMac + 5] ^= 0x01;
  Write("password_header_mac_flipped.akb", with("tampered", "A4: one bit of the header MAC"), b);
  b = ok;
  b[b.size() - 20] ^= 0x80;
  Write("password_payload_flipped.akb", with("tampered", "A4: one bit of the payload ciphertext"), b);
  const Bytes other = MustSeal(SamplePayload(2), PasswordOptions(password, {}), kOtherBundleSeed);
  b.assign(ok.begin(), ok.begin() + kPwNonce);
  b.insert(b.end(), other.begin() + kPwNonce, other.end());
  Write("password_spliced_header_x_body_y.akb",
        with("tampered", "A5: header of one bundle, payload of another with the same password"), b);

  struct Kdf {
    const char* name;
    std::uint8_t alg;
    std::uint32_t ops;
    std::uint64_t mem;
    const char* why;
  };
  for (const Kdf& k : {Kdf{"password_kdf_mem_4tib.akb", 2, 2, 4ULL << 40, "A7: memlimit 4 TiB"},
                       Kdf{"password_kdf_ops_max.akb", 2, 0xFFFFFFFFu, 64ULL << 20, "A7: opslimit 2^32-1"},
                       Kdf{"password_kdf_ops_zero.akb", 2, 0, 64ULL << 20, "A7: opslimit 0"},
                       Kdf{"password_kdf_below_min.akb", 2, 1, 8192, "A7: libsodium's own minimums (ops 1, 8 KiB)"},
                       Kdf{"password_kdf_mem_not_kib.akb", 2, 2, (64ULL << 20) + 1, "A7: memory not a whole KiB"},
                       Kdf{"password_kdf_argon2i.akb", 1, 2, 64ULL << 20, "A7: algorithm Argon2i13, not Argon2id13"}}) {
    b = ok;
    b[kPwAlg] = k.alg;
    PutU32(b, kPwOps, k.ops);
    PutU64(b, kPwMem, k.mem);
    Write(k.name, with("format failure", std::string(k.why) + ", refused before any key derivation"), b);
  }
}

void LayeredVectors() {
  const BoxKeyPair me = SeededIdentity(kIdentitySeed);
  const SecretBuffer password = CanonicalPassword(kPasswordSeed);
  SealOptions o = PasswordOptions(password, {});
  o.recipients = {me.public_key};
  const Bytes ok = MustSeal(SamplePayload(2), o, kBundleSeed);
  Write("layered_ok.akb",
        {{"expect", "success"},
         {"comment", "recipient + password: both needed"},
         {"password", Text(DisplayPassword(kPasswordSeed))},
         {"identity", IdentityLine(kIdentitySeed)},
         {"now", Num(kNow)},
         {"payload", PayloadText(SamplePayload(2))}},
        ok);
  Write("layered_wrong_password.akb",
        {{"expect", "auth failure"},
         {"comment", "right identity, wrong password"},
         {"password", Text(DisplayPassword(kOtherPasswordSeed))},
         {"identity", IdentityLine(kIdentitySeed)},
         {"now", Num(kNow)}},
        ok);
  Write("layered_wrong_identity.akb",
        {{"expect", "no match"},
         {"comment", "right password, wrong identity"},
         {"password", Text(DisplayPassword(kPasswordSeed))},
         {"identity", IdentityLine(kOtherIdentitySeed)},
         {"now", Num(kNow)}},
        ok);
}

void PrintDump() {
  const SecretBuffer password = CanonicalPassword(kPasswordSeed);
  const Bytes ok = MustSeal(SamplePayload(1), PasswordOptions(password, {}), kBundleSeed);
  struct Field {
    const char* name;
    std::size_t size;
  };
  const Field fields[] = {{"magic", 18},         {"bundle_id", 16},  {"created", 8}, {"expires", 8},
                          {"mode", 1},           {"kdf_alg", 1},     {"ops", 4},     {"mem", 8},
                          {"salt", 16},          {"wrap_nonce", 24}, {"wrap", 48},   {"header_mac", 32},
                          {"payload_nonce", 24}, {"length", 4}};
  std::size_t at = 0;
  std::cout << "| offset | size | field | hex |\n| ---: | ---: | --- | --- |\n";
  for (const Field& f : fields) {
    std::cout << "| " << at << " | " << f.size << " | " << f.name << " | `"
              << HexEncode(ByteView(ok).subspan(at, f.size)) << "` |\n";
    at += f.size;
  }
  std::cout << "| " << at << " | " << ok.size() - at << " | ciphertext | (below) |\n\nfull bundle (" << ok.size()
            << " bytes):\n\n```\n";
  const std::string hex = HexEncode(ok);
  for (std::size_t i = 0; i < hex.size(); i += 64) std::cout << hex.substr(i, 64) << "\n";
  std::cout << "```\n";
}

}  // namespace
}  // namespace akv::testing

int main(int argc, char** argv) {
  using namespace akv::testing;
  if (argc != 2) {
    std::cerr << "usage: bundle_vector_gen DIR\n";
    return 2;
  }
  if (!akv::InitCrypto().ok()) return 1;
  g_dir = argv[1];
  PasswordVectors();
  RecipientVectors();
  LayeredVectors();
  PrintDump();
  std::cerr << "wrote " << g_written << " vectors to " << g_dir << "\n";
  return 0;
}
