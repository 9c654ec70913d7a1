// akvault_vault_key VAULT PASSPHRASE_FILE: prints the vault key in hex.
// For the end-to-end tests only, which search every file akvault wrote for
// the vault key's bytes (they must find it nowhere in clear). Never
// installed; never built into akvault.
#include <iostream>

#include "vault/clock.h"
#include "vault/crypto/init.h"
#include "vault/crypto/random.h"
#include "vault/encoding/encoding.h"
#include "vault/fs/secure_file.h"
#include "vault/vault.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: akvault_vault_key VAULT PASSPHRASE_FILE\n";
    return 2;
  }
  if (!akv::InitCrypto().ok()) return 1;
  akv::SystemClock clock;
  akv::SystemRng rng;
  auto vault = akv::Vault::Open(argv[1], akv::Vault::Access::kReadOnly, rng, clock);
  auto passphrase = akv::ReadSecretLine(argv[2], "passphrase file");
  if (!vault.ok() || !passphrase.ok() || !(*vault)->Unlock(*passphrase).ok()) {
    std::cerr << "akvault_vault_key: cannot open or unlock the vault\n";
    return 1;
  }
  auto key = (*vault)->VaultKeyForCache();
  if (!key.ok()) return 1;
  std::cout << akv::HexEncode((*key)->span()) << '\n';
  return 0;
}
