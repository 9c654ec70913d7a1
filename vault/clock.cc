#include "vault/clock.h"

#include <ctime>

namespace akv {

std::int64_t SystemClock::NowUnixSeconds() {
  struct timespec ts;
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec);
}

}  // namespace akv
