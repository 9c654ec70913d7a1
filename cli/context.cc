#include "cli/context.h"

#include <ostream>

#include "cli/process.h"
#include "vault/encoding/display_text.h"
#include "vault/fs/secure_file.h"

namespace akv::cli {
namespace {
constexpr std::size_t kMinPassphraseChars = 8;
}  // namespace

std::size_t Utf8Length(const SecretBuffer& text) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((text.data()[i] & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::string Context::VaultPath() const { return globals.vault.empty() ? DefaultVaultPath() : globals.vault; }

Result<SecretBuffer> Context::MasterPassphrase() {
  if (!globals.passphrase_file.empty()) return ReadSecretLine(globals.passphrase_file, "--passphrase-file");
  if (!io.TerminalAvailable()) {
    return Status::Input("no terminal to ask for the master passphrase",
                         "pass --passphrase-file FILE (a file only you can read, passphrase on the first line)");
  }
  return io.PromptSecret("Master passphrase for " + VaultPath());
}

Result<SecretBuffer> Context::NewPassphrase(const std::string& file) {
  SecretBuffer passphrase;
  if (!file.empty()) {
    AKV_ASSIGN_OR_RETURN(passphrase, ReadSecretLine(file, "passphrase file"));
  } else {
    if (!io.TerminalAvailable()) {
      return Status::Input("no terminal to ask for the new master passphrase",
                           "pass the passphrase in a file only you can read (see --help)");
    }
    AKV_ASSIGN_OR_RETURN(passphrase, io.PromptSecret("New master passphrase"));
    AKV_ASSIGN_OR_RETURN(SecretBuffer again, io.PromptSecret("Repeat the new master passphrase"));
    if (!passphrase.Equals(again.span())) {
      return Status::Input("the two passphrases differ", "run the command again and type the same passphrase twice");
    }
  }
  if (Utf8Length(passphrase) < kMinPassphraseChars) {
    return Status::Input("the new passphrase is shorter than 8 characters",
                         "choose a longer one; a few unrelated words are easy to remember and hard to guess");
  }
  for (std::size_t i = 0; i < passphrase.size(); ++i) {
    if (passphrase.data()[i] >= 0x80) {
      Warn("the passphrase has non-ASCII characters; it is compared byte for byte (no Unicode normalization), "
           "so type it the same way on every machine");
      break;
    }
  }
  return passphrase;
}

Result<std::unique_ptr<Vault>> Context::OpenVault(Vault::Access access) {
  return Vault::Open(VaultPath(), access, rng, clock);
}

Result<std::unique_ptr<Vault>> Context::OpenUnlockedVault() {
  AKV_ASSIGN_OR_RETURN(auto vault, OpenVault(Vault::Access::kReadWrite));
  AKV_RETURN_IF_ERROR(UnlockVault(*vault));
  return vault;
}

Status Context::UnlockVault(Vault& vault) {
  if (globals.passphrase_file.empty() && UnlockFromSession(vault)) return Status::Ok();
  return UnlockVaultWithPassphrase(vault);
}

bool Context::UnlockFromSession(Vault& vault) {
  if (unlock_cache == nullptr) return false;
  // The vault key must never sit in a process that the same user can
  // ptrace or dump (HardenProcess made this one non-dumpable).
  if (ProcessIsDumpable()) {
    Warn("this process is dumpable, so the session unlock is not used");
    return false;
  }
  CacheLookup found = unlock_cache->Load(UnlockBinding{vault.vault_id(), vault.KeyringDigest()});
  if (!found.note.empty()) Note(found.note);
  return found.unlock && vault.UnlockWithKey(std::move(found.unlock->vault_key)).ok();
}

Status Context::UnlockVaultWithPassphrase(Vault& vault) {
  AKV_ASSIGN_OR_RETURN(SecretBuffer passphrase, MasterPassphrase());
  return vault.Unlock(passphrase);
}

Result<std::unique_ptr<Vault>> Context::OpenUnlockedVaultForCheck() {
  AKV_ASSIGN_OR_RETURN(auto vault, Vault::OpenForCheck(VaultPath(), rng, clock));
  AKV_RETURN_IF_ERROR(UnlockVault(*vault));
  return vault;
}

Result<SecretBuffer> Context::ReadSecretInput(const std::string& what) {
  if (!io.StdinIsTerminal()) return io.ReadStdinLine(what);
  return io.PromptSecret(what);
}

void Context::Warn(const std::string& text) { io.err() << "akvault: warning: " << DisplayText(text) << '\n'; }

void Context::Note(const std::string& text) { io.err() << "akvault: " << DisplayText(text) << '\n'; }

}  // namespace akv::cli
