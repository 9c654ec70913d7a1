#include "vault/bundle/utc_text.h"

#include <cstdio>

#include "vault/rotation/date.h"

namespace akv {

std::string FormatUtcIso(std::int64_t unix_seconds) {
  const std::int64_t of_day = ((unix_seconds % 86400) + 86400) % 86400;
  char clock[16];
  std::snprintf(clock, sizeof clock, "T%02d:%02d:%02dZ", static_cast<int>(of_day / 3600),
                static_cast<int>(of_day / 60 % 60), static_cast<int>(of_day % 60));
  return Date::FromUnixSeconds(unix_seconds).ToString() + clock;
}

}  // namespace akv
