// What `open` writes: a bundle's keys as one of four credentials-file
// layouts, and the JSON line of the aliyun CLI's External mode.
//
// Guarantees:
// - The whole text is built in secure memory (SecretBuffer, sized first,
//   then written); the secret never passes through a std::string.
// - Defence in depth against injection (A17): every profile name, AccessKey
//   ID, secret, owner and app is validated again here, whatever the caller
//   checked before, so no value can add a line to an env file, a section to
//   an INI file or a field to JSON. Values are restricted to alphabets that
//   need no quoting or escaping in any of the formats.
// - Failures are kUsage (bad profile, region or key count) or kInput (a bad
//   secret), and never quote a secret.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vault/crypto/secret.h"
#include "vault/status.h"

namespace akv {

enum class CredentialFormat {
  kEnv,     // ALIBABA_CLOUD_ACCESS_KEY_ID=... / ALIBABA_CLOUD_ACCESS_KEY_SECRET=... (one key)
  kExportEnv,  // the same lines with "export " before each, for eval "$(akvault open ...)"
  kJson,    // {"credentials":[{"profile","access_key_id","access_key_secret","owner","app"}]}
  kIni,     // ~/.alibabacloud/credentials: [profile] enable/type/access_key_id/access_key_secret
  kAliyun,  // ~/.aliyun/config.json: profiles with mode AK
};

// "env" | "export-env" | "json" | "ini" | "aliyun"; nullopt otherwise.
std::optional<CredentialFormat> ParseCredentialFormat(std::string_view name);

struct Credential {
  std::string profile;
  std::string akid;
  const SecretBuffer* secret = nullptr;  // not owned
  std::string owner;
  std::optional<std::string> app;
};

// [A-Za-z0-9._-], 1..64 characters; kUsage otherwise (a profile such as
// "default]\n[x" could otherwise open a new INI section).
Status ValidateProfileName(std::string_view profile);
// [a-z0-9-], 1..32 characters (cn-hangzhou, ap-southeast-1); kUsage otherwise.
Status ValidateRegionId(std::string_view region);

// An existing file to merge the new profiles into (ini and aliyun only; see
// vault/credentials/merge.h): its other profiles and fields are kept.
struct MergeTarget {
  std::string_view existing;  // the file's whole text
  bool replace = false;       // a profile of the same name is replaced, not refused
  std::string what;           // the file, for messages
};

// One key for env; one or more for the others, with distinct profile names
// (and none named DEFAULT in INI, which Python's configparser would apply to
// every section). `region` is used by the aliyun format only. With `into`
// (ini and aliyun) the result is that file with these profiles merged in.
Result<SecretBuffer> RenderCredentials(CredentialFormat format, const std::vector<Credential>& credentials,
                                       const std::string& region, const MergeTarget* into = nullptr);

// True for the formats that merge into an existing file (ini, aliyun).
bool FormatMerges(CredentialFormat format);

// A config.json profile in the aliyun CLI's External mode: the CLI (and the
// SDKs' CLIProfile provider) runs `process_command` and reads the
// credential-process JSON from it. No secret: the command opens a bundle.
// `process_command` is printable ASCII without '"' or '\' (kUsage otherwise).
Result<SecretBuffer> RenderExternalProfile(const std::string& profile, const std::string& process_command,
                                           const std::string& region);

// Exactly {"mode":"AK","access_key_id":"...","access_key_secret":"..."} and "\n".
Result<SecretBuffer> RenderCredentialProcess(const std::string& akid, const SecretBuffer& secret);

}  // namespace akv
