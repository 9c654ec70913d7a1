// Unix seconds as the ISO 8601 UTC text the bundle messages and identity
// files print ("2026-05-01T12:00:00Z"), independent of TZ.
#pragma once

#include <cstdint>
#include <string>

namespace akv {

std::string FormatUtcIso(std::int64_t unix_seconds);

}  // namespace akv
