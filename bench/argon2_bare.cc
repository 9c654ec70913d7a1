// argon2_bare: one Argon2id derivation as a whole process, the floor that
// `akvault open` of a password bundle is compared with (bench/run.sh, g).
//
//   argon2_bare [OPS [MEM_MIB]]     default: 3 passes, 64 MiB (kBundleKdf)
//
// It does what the password path of `open` cannot avoid: start a process,
// initialise libsodium, run crypto_pwhash (Argon2id v1.3) once with a
// 32-byte output, wipe the key and exit. Nothing else. Exit 0 on success.
#include <sodium.h>

#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
  unsigned long long ops = 3;
  unsigned long long mem_mib = 64;
  if (argc > 1) ops = std::strtoull(argv[1], nullptr, 10);
  if (argc > 2) mem_mib = std::strtoull(argv[2], nullptr, 10);
  if (sodium_init() < 0) return 1;
  static const char kPassword[] = "tiger-orbit-lemon-canyon-velvet-harbor";  // 6 words, like a bundle password
  unsigned char salt[crypto_pwhash_SALTBYTES];
  randombytes_buf(salt, sizeof salt);
  unsigned char key[32];
  if (crypto_pwhash(key, sizeof key, kPassword, sizeof kPassword - 1, salt, ops, static_cast<size_t>(mem_mib) << 20,
                    crypto_pwhash_ALG_ARGON2ID13) != 0) {
    std::fputs("argon2_bare: crypto_pwhash failed (out of memory?)\n", stderr);
    return 1;
  }
  sodium_memzero(key, sizeof key);
  return 0;
}
