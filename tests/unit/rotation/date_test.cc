// Date: UTC calendar days, the unit of every rotation deadline.
#include "vault/rotation/date.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace akv {
namespace {

Date D(const char* text) {
  std::optional<Date> date = Date::Parse(text);
  EXPECT_TRUE(date.has_value()) << text;
  return date.value_or(Date());
}

TEST(DateTest, EpochAndKnownDays) {
  EXPECT_EQ(Date::FromCivil(1970, 1, 1).days(), 0);
  EXPECT_EQ(Date::FromCivil(2000, 1, 1).days(), 10957);
  EXPECT_EQ(Date::FromCivil(2000, 3, 1).days(), 10957 + 31 + 29);
  EXPECT_EQ(D("1970-01-01").days(), 0);
  EXPECT_EQ(D("9999-12-31").ToString(), "9999-12-31");
}

TEST(DateTest, EveryMonthEndInALeapAndACommonYear) {
  struct Year {
    int year;
    unsigned last_days[12];
  };
  const Year years[] = {
      {2023, {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}},
      {2024, {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}},
      {2000, {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}},
      {2100, {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}},
  };
  for (const Year& y : years) {
    for (unsigned m = 1; m <= 12; ++m) {
      const unsigned last = y.last_days[m - 1];
      char text[16];
      std::snprintf(text, sizeof text, "%04d-%02u-%02u", y.year, m, last);
      const std::optional<Date> end = Date::Parse(text);
      ASSERT_TRUE(end.has_value()) << text;
      EXPECT_EQ(end->ToString(), text);
      std::snprintf(text, sizeof text, "%04d-%02u-%02u", y.year, m, last + 1);
      EXPECT_FALSE(Date::Parse(text).has_value()) << text;
      // The next day is the first of the next month.
      const Date next = m == 12 ? Date::FromCivil(y.year + 1, 1, 1) : Date::FromCivil(y.year, m + 1, 1);
      EXPECT_EQ(end->AddDays(1), next) << y.year << "-" << m;
    }
  }
}

TEST(DateTest, LeapDays) {
  // B11: --created 2024-02-29 --rotate-days 90 gives an exact calendar day.
  EXPECT_EQ(D("2024-02-29").AddDays(90).ToString(), "2024-05-29");
  EXPECT_EQ(D("2024-02-28").AddDays(1).ToString(), "2024-02-29");
  EXPECT_EQ(D("2023-02-28").AddDays(1).ToString(), "2023-03-01");
  EXPECT_EQ(D("2024-02-29").AddDays(366).ToString(), "2025-03-01");
  EXPECT_TRUE(Date::Parse("2000-02-29").has_value());   // divisible by 400: leap
  EXPECT_FALSE(Date::Parse("2100-02-29").has_value());  // divisible by 100 only: not leap
  EXPECT_EQ(D("2100-02-28").AddDays(1).ToString(), "2100-03-01");
  EXPECT_EQ(D("2000-02-28").AddDays(1).ToString(), "2000-02-29");
}

TEST(DateTest, ParseIsStrict) {
  for (const char* bad : {"2023-02-29", "2024-13-01",       "2024-00-10",    "2024-01-00",
                          "2024-01-32", "2024-04-31",       "2024-1-01",     "2024-01-1",
                          "24-01-01",   " 2024-01-01",      "2024-01-01 ",   "2024-01-01\n",
                          "2024/01/01", "2024-01-01T00:00", "20240101",      "",
                          "1969-12-31", "1900-01-01",       "0000-01-01",    "+024-01-01",
                          "2024-+1-01", "2024-0a-01",       "２０２４-01-01"}) {
    EXPECT_FALSE(Date::Parse(bad).has_value()) << "accepted '" << bad << "'";
  }
  EXPECT_FALSE(Date::Parse(std::string_view("2024-01-01\0", 11)).has_value());
  EXPECT_FALSE(Date::Parse(std::string_view("2024-01\0-01", 11)).has_value());
}

TEST(DateTest, ToStringAndParseRoundTripEveryDayTo9999) {
  const Date last = D("9999-12-31");
  std::string previous;
  for (std::int64_t days = 0; days <= last.days(); ++days) {
    const std::string text = Date(days).ToString();
    const std::optional<Date> parsed = Date::Parse(text);
    ASSERT_TRUE(parsed.has_value()) << text;
    ASSERT_EQ(parsed->days(), days) << text;
    ASSERT_LT(previous, text);  // the text sorts like the date
    previous = text;
  }
  EXPECT_FALSE(Date::Parse(last.AddDays(1).ToString()).has_value());  // 10000-01-01
}

TEST(DateTest, FromUnixSecondsIsTheUtcDayWithFloorDivision) {
  EXPECT_EQ(Date::FromUnixSeconds(0).days(), 0);
  EXPECT_EQ(Date::FromUnixSeconds(86399).days(), 0);
  EXPECT_EQ(Date::FromUnixSeconds(86400).days(), 1);
  EXPECT_EQ(Date::FromUnixSeconds(-1).days(), -1);
  EXPECT_EQ(Date::FromUnixSeconds(-86399).days(), -1);
  EXPECT_EQ(Date::FromUnixSeconds(-86400).days(), -1);
  EXPECT_EQ(Date::FromUnixSeconds(-86401).days(), -2);
  // 2024-02-29T23:59:59Z and the next second.
  EXPECT_EQ(Date::FromUnixSeconds(1709251199).ToString(), "2024-02-29");
  EXPECT_EQ(Date::FromUnixSeconds(1709251200).ToString(), "2024-03-01");
  constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  EXPECT_EQ(Date::FromUnixSeconds(kMax).days(), kMax / 86400);
  EXPECT_EQ(Date::FromUnixSeconds(kMin).days(), kMin / 86400 - 1);  // floor, not truncation
  EXPECT_EQ(Date::FromUnixSeconds(kMin + 1).days(), kMin / 86400 - 1);
}

TEST(DateTest, UnixSecondsRoundTrip) {
  for (const char* text : {"1970-01-01", "2000-02-29", "2024-12-31", "2038-01-19", "2038-01-20", "9999-12-31"}) {
    const Date date = D(text);
    EXPECT_EQ(Date::FromUnixSeconds(date.ToUnixSeconds()), date) << text;
    EXPECT_EQ(Date::FromUnixSeconds(date.ToUnixSeconds() + 86399), date) << text;
    EXPECT_EQ(Date::FromUnixSeconds(date.ToUnixSeconds() - 1), date.AddDays(-1)) << text;
  }
}

TEST(DateTest, ArithmeticAndOrder) {
  EXPECT_EQ(D("2025-01-01") - D("2024-01-01"), 366);
  EXPECT_EQ(D("2024-01-01") - D("2025-01-01"), -366);
  EXPECT_LT(D("2024-12-31"), D("2025-01-01"));
  EXPECT_EQ(D("2025-01-01").AddDays(-1).ToString(), "2024-12-31");
}

}  // namespace
}  // namespace akv
