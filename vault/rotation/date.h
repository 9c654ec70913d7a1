// Calendar days in UTC: the unit of every rotation deadline.
//
// A Date is a count of days since 1970-01-01 (proleptic Gregorian), so
// adding a rotation period is integer addition and leap years and month ends
// need no special case. "Today" is computed from a Unix time in UTC, never
// from the local time zone, so `due` gives the same answer under any TZ.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace akv {

class Date {
 public:
  // Days since 1970-01-01.
  constexpr explicit Date(std::int64_t days = 0) : days_(days) {}
  static Date FromCivil(int year, unsigned month, unsigned day);
  // The UTC calendar day containing `unix_seconds`.
  static Date FromUnixSeconds(std::int64_t unix_seconds);
  // Strict "YYYY-MM-DD": four-digit year 1970..9999, two-digit month and
  // day, a real calendar day (2023-02-29 is refused). Nothing else accepted.
  static std::optional<Date> Parse(std::string_view text);

  std::string ToString() const;  // "YYYY-MM-DD"
  std::int64_t days() const { return days_; }
  Date AddDays(std::int64_t n) const { return Date(days_ + n); }
  // Unix seconds of this day's midnight UTC.
  std::int64_t ToUnixSeconds() const { return days_ * 86400; }

  friend constexpr auto operator<=>(const Date&, const Date&) = default;
  friend constexpr std::int64_t operator-(const Date& a, const Date& b) { return a.days_ - b.days_; }

 private:
  std::int64_t days_;
};

}  // namespace akv
