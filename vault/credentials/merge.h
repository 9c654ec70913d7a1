// Merging new profiles into an existing credentials file, keeping every
// other profile and field of it: the INI layout (~/.alibabacloud/credentials)
// and the aliyun CLI's ~/.aliyun/config.json.
//
// Guarantees:
// - The existing file is parsed, never rewritten from a model: the other
//   profiles (INI sections, config.json profile objects, top-level fields)
//   are copied byte for byte, so nothing akvault does not understand is lost.
// - Everything happens in secure memory: the existing file holds other
//   secrets, so it comes in as a SecretBuffer, is only ever viewed, and the
//   result is built with BuildSecretText. No part of it reaches a std::string
//   except profile names.
// - A file that does not parse is kFormat naming the line (INI) or the byte
//   offset (JSON), never quoting it (it may hold a secret); nothing is written.
// - A profile of the same name is kConflict unless `replace`, then every
//   section or profile object of that name is dropped and the new one added.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "vault/crypto/secret.h"
#include "vault/status.h"

namespace akv {

// One profile to add: its name and its text (an INI section starting with
// "[name]\n", or a config.json profile object "{...}").
struct ProfileText {
  std::string name;
  const SecretBuffer* text = nullptr;  // not owned
};

// `existing` is the whole current file (empty: there is none). `what` names
// the file in messages.
Result<SecretBuffer> MergeIni(std::string_view existing, const std::vector<ProfileText>& profiles, bool replace,
                              const std::string& what);

// config.json: `profiles` gets the new objects (same-name ones replaced),
// `current` is set to the first new profile when it is missing or empty, or
// when `make_current`; an empty file gives
// {"current":...,"profiles":[...],"meta_path":""}.
Result<SecretBuffer> MergeAliyunConfig(std::string_view existing, const std::vector<ProfileText>& profiles,
                                       bool replace, bool make_current, const std::string& what);

}  // namespace akv
