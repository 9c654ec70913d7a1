#include "cli/credential_env.h"

namespace akv::cli {

bool IsInheritedCredentialVariable(std::string_view entry) {
  const std::size_t eq = entry.find('=');
  const std::string_view name = entry.substr(0, eq);
  auto starts = [&](std::string_view prefix) { return name.substr(0, prefix.size()) == prefix; };
  auto ends = [&](std::string_view suffix) {
    return name.size() >= suffix.size() && name.substr(name.size() - suffix.size()) == suffix;
  };
  if (starts("ALIBABA_CLOUD_") || starts("ALIBABACLOUD_") || starts("ALICLOUD_")) {
    return !(ends("_REGION_ID") || ends("_REGION"));
  }
  return starts("ACCESS_KEY_") || name == "SECURITY_TOKEN";
}

}  // namespace akv::cli
