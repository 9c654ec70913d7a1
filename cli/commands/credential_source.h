// Where `open`, `exec` and `credential-process` get credentials from: a
// bundle (with --password-file, --identity or a prompt) or, for exec and
// credential-process on a machine that has the vault, --key AKID.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/context.h"

namespace CLI {
class App;
}

namespace akv::cli {

struct SourceOptions {
  std::string bundle;
  std::string key;  // --key AKID (vault)
  std::string password_file;
  std::string identity;
  std::string profile;
};

// Declares the bundle positional, --password-file, --identity, --profile and
// (when allow_key) --key.
void AddSourceOptions(CLI::App* cmd, SourceOptions& opts, bool allow_key);

struct LoadedCredential {
  std::string profile;  // app, else owner; made unique with "-AKID"
  std::string akid;
  SecretBuffer secret;
  std::string owner;
  std::optional<std::string> app;
  // The key's dates as the sender's vault had them (receive keeps them).
  std::string created;  // YYYY-MM-DD
  int rotate_days = 0;
};

// Opens the bundle or reads the vault (logging a `reveal` with `purpose`).
// Applies --profile: with one key it renames the profile; with several it
// selects the key whose profile name matches (kNotFound listing the names).
Result<std::vector<LoadedCredential>> LoadCredentials(Context& ctx, const SourceOptions& opts,
                                                      const std::string& purpose);

// Exactly one credential, or kUsage naming the profiles to choose from.
Result<LoadedCredential> SingleCredential(std::vector<LoadedCredential> creds);

}  // namespace akv::cli
