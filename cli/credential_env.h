// Which inherited environment variables `exec` keeps from the child.
//
// The child must see the bundle's key and no other credential: a stale
// ALIBABA_CLOUD_SECURITY_TOKEN beside the bundle's key makes the SDKs treat
// the pair as an STS credential (issue 9 item 7), and a stale
// ALIBABA_CLOUD_PROFILE, _CREDENTIALS_FILE, _ROLE_ARN or _ECS_METADATA makes
// them choose another credential altogether. So every variable named
// ALIBABA_CLOUD_*, ALIBABACLOUD_* or ALICLOUD_* is removed, and the bare
// names some tools read (ACCESS_KEY_ID, ACCESS_KEY_SECRET, ACCESS_KEY_*,
// SECURITY_TOKEN), except the region variables (*_REGION_ID, *_REGION):
// they say where to call, not who calls, and `exec --region` style settings
// rely on them.
#pragma once

#include <string_view>

namespace akv::cli {

// `entry` is one "NAME=VALUE" of environ.
bool IsInheritedCredentialVariable(std::string_view entry);

}  // namespace akv::cli
