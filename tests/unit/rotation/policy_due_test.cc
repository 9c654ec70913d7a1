// `due`: ClassifyDue boundaries, and the number and date parsers the
// command line uses (catalogue A8, B11). Also the time-zone independence of
// "today" and of the classification.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <time.h>

#include <optional>
#include <string>
#include <vector>

#include "vault/rotation/date.h"
#include "vault/rotation/policy.h"

namespace akv {
namespace {

Date D(const char* text) { return Date::Parse(text).value(); }

KeyMetadata Active(const char* created, int rotate_days) {
  KeyMetadata m;
  m.akid = "LTAI5tAAAAAAAAAAAAAAAAAA";
  m.owner = "alice";
  m.app = "billing";
  m.created = D(created);
  m.rotate_days = rotate_days;
  m.due_date = m.deadline();
  return m;
}

KeyMetadata Superseded(const char* grace_end) {
  KeyMetadata m = Active("2024-01-01", 90);
  m.status = KeyStatus::kSuperseded;
  m.due_date = D(grace_end);
  m.status_since = D(grace_end).AddDays(-7);
  return m;
}

TEST(DueClassifyTest, ActiveKeyAroundItsDeadline) {
  const KeyMetadata key = Active("2024-01-01", 90);  // deadline 2024-03-31
  const Date deadline = D("2024-03-31");
  ASSERT_EQ(key.deadline(), deadline);

  EXPECT_FALSE(ClassifyDue(key, deadline.AddDays(-1), 0));  // the day before: not yet

  std::optional<DueItem> item = ClassifyDue(key, deadline, 0);  // the day itself counts
  ASSERT_TRUE(item);
  EXPECT_EQ(item->kind, DueItem::Kind::kRotationDue);
  EXPECT_EQ(item->days_left, 0);
  EXPECT_EQ(item->due, deadline);
  EXPECT_EQ(item->meta.akid, key.akid);
  EXPECT_EQ(item->action, "rotate: create a new key in the console, then akvault rotate " + key.akid + " --new-id NEW");

  item = ClassifyDue(key, deadline.AddDays(1), 0);
  ASSERT_TRUE(item);
  EXPECT_EQ(item->kind, DueItem::Kind::kRotationOverdue);
  EXPECT_EQ(item->days_left, -1);

  item = ClassifyDue(key, deadline.AddDays(400), 0);
  ASSERT_TRUE(item);
  EXPECT_EQ(item->kind, DueItem::Kind::kRotationOverdue);
  EXPECT_EQ(item->days_left, -400);
}

TEST(DueClassifyTest, WithinWindow) {
  const KeyMetadata key = Active("2024-01-01", 90);  // deadline 2024-03-31
  const Date today = D("2024-03-21");                // 10 days before
  EXPECT_FALSE(ClassifyDue(key, today, 0));
  EXPECT_FALSE(ClassifyDue(key, today, 9));
  std::optional<DueItem> item = ClassifyDue(key, today, 10);
  ASSERT_TRUE(item);
  EXPECT_EQ(item->kind, DueItem::Kind::kRotationDue);
  EXPECT_EQ(item->days_left, 10);
  EXPECT_TRUE(ClassifyDue(key, today, 36500));
  // An overdue key is listed whatever the window.
  EXPECT_TRUE(ClassifyDue(key, D("2024-04-01"), 0));
  EXPECT_TRUE(ClassifyDue(key, D("2024-04-01"), 30));
}

TEST(DueClassifyTest, LeapDayDeadlineIsExact) {  // B11
  const KeyMetadata key = Active("2024-02-29", 90);
  EXPECT_FALSE(ClassifyDue(key, D("2024-05-28"), 0));
  std::optional<DueItem> item = ClassifyDue(key, D("2024-05-29"), 0);
  ASSERT_TRUE(item);
  EXPECT_EQ(item->due.ToString(), "2024-05-29");
  EXPECT_EQ(item->days_left, 0);
}

TEST(DueClassifyTest, ActiveDeadlineComesFromCreatedAndRotateDays) {
  // The deadline is created + rotate_days (both authenticated metadata);
  // due_date merely mirrors it for the index.
  KeyMetadata key = Active("2024-01-01", 90);
  key.due_date = D("2030-01-01");
  std::optional<DueItem> item = ClassifyDue(key, D("2024-03-31"), 0);
  ASSERT_TRUE(item);
  EXPECT_EQ(item->due, D("2024-03-31"));
  EXPECT_EQ(DueDateOf(key), D("2024-03-31"));
}

TEST(DueClassifyTest, SupersededKeyAroundTheEndOfGrace) {
  const KeyMetadata key = Superseded("2024-06-10");
  EXPECT_FALSE(ClassifyDue(key, D("2024-06-09"), 0));
  std::optional<DueItem> item = ClassifyDue(key, D("2024-06-09"), 1);
  ASSERT_TRUE(item);
  EXPECT_EQ(item->kind, DueItem::Kind::kGraceEnding);
  EXPECT_EQ(item->days_left, 1);

  item = ClassifyDue(key, D("2024-06-10"), 0);
  ASSERT_TRUE(item);
  EXPECT_EQ(item->kind, DueItem::Kind::kGraceEnding);
  EXPECT_EQ(item->days_left, 0);
  EXPECT_NE(item->action.find("akvault retire " + key.akid), std::string::npos) << item->action;

  item = ClassifyDue(key, D("2024-06-11"), 0);
  ASSERT_TRUE(item);
  EXPECT_EQ(item->kind, DueItem::Kind::kGraceOver);
  EXPECT_EQ(item->days_left, -1);
  EXPECT_EQ(item->action, "disable " + key.akid + " in the console, then akvault retire " + key.akid);
}

TEST(DueClassifyTest, SupersededIgnoresTheOldRotationDeadline) {
  // Its rotation deadline (2024-03-31) passed long ago; only grace matters.
  const KeyMetadata key = Superseded("2024-06-10");
  EXPECT_FALSE(ClassifyDue(key, D("2024-05-01"), 0));
}

TEST(DueClassifyTest, SupersededWithoutGraceEndIsNeverDue) {
  KeyMetadata key = Superseded("2024-06-10");
  key.due_date.reset();
  EXPECT_FALSE(ClassifyDue(key, D("2099-01-01"), 36500));
}

TEST(DueClassifyTest, RetiredIsNeverDue) {
  KeyMetadata key = Active("2020-01-01", 1);
  key.status = KeyStatus::kRetired;
  key.due_date = D("2020-01-02");  // even if a stale due date lingers
  EXPECT_FALSE(DueDateOf(key));
  EXPECT_FALSE(ClassifyDue(key, D("2099-01-01"), 0));
  EXPECT_FALSE(ClassifyDue(key, D("2020-01-01"), 36500));
}

// ---- time zones: "today" and the classification depend on UTC only.

class ScopedTz {
 public:
  explicit ScopedTz(const char* tz) {
    const char* old = ::getenv("TZ");
    if (old) old_ = old;
    ::setenv("TZ", tz, 1);
    ::tzset();
  }
  ~ScopedTz() {
    if (old_) {
      ::setenv("TZ", old_->c_str(), 1);
    } else {
      ::unsetenv("TZ");
    }
    ::tzset();
  }

 private:
  std::optional<std::string> old_;
};

long LocalOffsetSeconds(std::int64_t unix_seconds) {
  const time_t t = static_cast<time_t>(unix_seconds);
  struct tm local {};
  ::localtime_r(&t, &local);
  return local.tm_gmtoff;
}

struct Observation {
  std::int64_t today_days;
  bool due;
  int kind;
  std::int64_t days_left;
  bool operator==(const Observation&) const = default;
};

std::vector<Observation> Observe(const std::vector<std::int64_t>& instants) {
  const KeyMetadata key = Active("2024-01-01", 90);  // deadline 2024-03-31
  std::vector<Observation> out;
  for (std::int64_t t : instants) {
    const Date today = Date::FromUnixSeconds(t);
    const std::optional<DueItem> item = ClassifyDue(key, today, 0);
    out.push_back(
        {today.days(), item.has_value(), item ? static_cast<int>(item->kind) : -1, item ? item->days_left : 0});
  }
  return out;
}

TEST(DueTimeZoneTest, SameAnswerUnderAnyTz) {
  // Instants around midnight UTC at the start and end of the deadline day,
  // and half a day either side (where UTC+14 and UTC-12 see another date).
  std::vector<std::int64_t> instants;
  for (const char* day : {"2024-03-30", "2024-03-31", "2024-04-01"}) {
    const std::int64_t midnight = D(day).ToUnixSeconds();
    for (std::int64_t delta : {-13 * 3600, -11 * 3600, -1, 0, 1, 11 * 3600, 13 * 3600}) {
      instants.push_back(midnight + delta);
    }
  }
  std::vector<Observation> reference;
  {
    ScopedTz utc("UTC");
    ASSERT_EQ(LocalOffsetSeconds(0), 0);
    reference = Observe(instants);
  }
  // Sanity of the reference itself: the deadline day is due, the next overdue.
  EXPECT_EQ(reference[7 + 3], (Observation{D("2024-03-31").days(), true, 1, 0}));
  EXPECT_EQ(reference[14 + 3], (Observation{D("2024-04-01").days(), true, 0, -1}));
  EXPECT_FALSE(reference[3].due);

  struct Zone {
    const char* tz;
    long offset;  // expected tm_gmtoff in March 2024, proving the zone took effect
  };
  for (const Zone& zone :
       {Zone{"Pacific/Kiritimati", 14 * 3600}, Zone{"Etc/GMT+12", -12 * 3600}, Zone{"Pacific/Pago_Pago", -11 * 3600},
        Zone{"<+14>-14", 14 * 3600}, Zone{"<-12>+12", -12 * 3600}}) {
    ScopedTz scoped(zone.tz);
    ASSERT_EQ(LocalOffsetSeconds(D("2024-03-31").ToUnixSeconds()), zone.offset)
        << zone.tz << " is not installed or not in effect";
    EXPECT_EQ(Observe(instants), reference) << zone.tz;
  }
}

// ---- ParseDayCount (A8): canonical decimal only.

TEST(DueParseDayCountTest, AcceptsCanonicalDecimal) {
  EXPECT_EQ(ParseDayCount("0", "--within", 0, 36500).value(), 0);
  EXPECT_EQ(ParseDayCount("1", "--rotate-days", 1, 3650).value(), 1);
  EXPECT_EQ(ParseDayCount("90", "--rotate-days", 1, 3650).value(), 90);
  EXPECT_EQ(ParseDayCount("3650", "--rotate-days", 1, 3650).value(), 3650);
  EXPECT_EQ(ParseDayCount("2147483647", "--x", 0, 2147483647).value(), 2147483647);
}

TEST(DueParseDayCountTest, RefusesEverythingElse) {  // A8, B11
  for (const char* bad : {"+3", "03",  "00",  "0x3", "0X3", " 3", "3 ",       "\t3",   "3\n",  "",   "-1",
                          "-0", "3.0", "3,0", "1e3", "3d",  "３", "\xd9\xa3", "1_000", "0b11", "07", "+0"}) {
    Result<int> r = ParseDayCount(bad, "--grace-days", 0, 365);
    ASSERT_FALSE(r.ok()) << "accepted '" << bad << "'";
    EXPECT_EQ(r.status().code(), Code::kUsage) << bad;
    EXPECT_NE(r.status().message().find("--grace-days"), std::string::npos) << r.status().message();
    EXPECT_EQ(r.status().message().find('\n'), std::string::npos);
  }
}

TEST(DueParseDayCountTest, RefusesOverflowAndOutOfRange) {  // A8, B11
  for (const char* bad : {"4294967299", "2147483648", "9223372036854775807", "9223372036854775808",
                          "99999999999999999999999999999999", "3651"}) {
    Result<int> r = ParseDayCount(bad, "--rotate-days", 1, 3650);
    ASSERT_FALSE(r.ok()) << "accepted " << bad;
    EXPECT_EQ(r.status().code(), Code::kUsage);
    EXPECT_NE(r.status().message().find("--rotate-days"), std::string::npos);
    EXPECT_NE(r.status().hint().find("1 to 3650"), std::string::npos) << r.status().hint();
  }
  Result<int> zero = ParseDayCount("0", "--rotate-days", 1, 3650);  // B11: --rotate-days <= 0
  ASSERT_FALSE(zero.ok());
  EXPECT_EQ(zero.status().message(), "--rotate-days 0 is out of range");
}

TEST(DueParseDayCountTest, DoesNotEchoJunk) {
  Result<int> r = ParseDayCount("\x1b[31m3", "--within", 0, 10);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().ToString().find('\x1b'), std::string::npos);
}

// ---- ParseCreatedDate (B11)

TEST(DueParseCreatedDateTest, AcceptsPastDaysAndToday) {
  const Date today = D("2025-06-15");
  EXPECT_EQ(ParseCreatedDate("2024-02-29", today).value(), D("2024-02-29"));
  EXPECT_EQ(ParseCreatedDate("2025-06-15", today).value(), today);
  EXPECT_EQ(ParseCreatedDate("1970-01-01", today).value(), Date(0));
}

TEST(DueParseCreatedDateTest, RefusesTheFuture) {  // B11
  const Date today = D("2030-06-15");
  Result<Date> r = ParseCreatedDate("2031-01-01", today);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kUsage);
  EXPECT_EQ(r.status().message(), "--created 2031-01-01 is in the future (today is 2030-06-15 UTC)");
  EXPECT_FALSE(ParseCreatedDate("2030-06-16", today).ok());  // tomorrow
}

TEST(DueParseCreatedDateTest, RefusesUnparseable) {  // B11
  for (const char* bad : {"2023-02-29", "2024-13-01", "2024-1-01", " 2024-01-01", "2024-01-01\n", "yesterday", "",
                          "1969-12-31", "2024-02-30"}) {
    Result<Date> r = ParseCreatedDate(bad, D("2025-01-01"));
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), Code::kUsage);
    EXPECT_EQ(r.status().message(), "--created must be YYYY-MM-DD, a real calendar day, e.g. 2024-02-29");
  }
}

}  // namespace
}  // namespace akv
