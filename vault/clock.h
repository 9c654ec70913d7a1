// Clock: the one source of "now", passed in so tests can pin the date (and
// so time zone never matters: everything is Unix seconds and UTC days).
#pragma once

#include <cstdint>

#include "vault/rotation/date.h"

namespace akv {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::int64_t NowUnixSeconds() = 0;
  Date Today() { return Date::FromUnixSeconds(NowUnixSeconds()); }
};

class SystemClock final : public Clock {
 public:
  std::int64_t NowUnixSeconds() override;
};

class FixedClock final : public Clock {
 public:
  explicit FixedClock(std::int64_t unix_seconds) : now_(unix_seconds) {}
  std::int64_t NowUnixSeconds() override { return now_; }
  void Set(std::int64_t unix_seconds) { now_ = unix_seconds; }

 private:
  std::int64_t now_;
};

}  // namespace akv
