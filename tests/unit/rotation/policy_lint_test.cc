// `lint`: every rule fires on its own fixture and stays quiet on a near
// miss; findings are sorted; retired keys are history.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "vault/rotation/policy.h"

namespace akv {
namespace {

const Date kToday = Date::Parse("2025-06-15").value();

// A key with nothing to report: active, an app, created today, 90 days.
KeyMetadata Clean(const std::string& akid, const std::string& owner = "alice",
                  std::optional<std::string> app = std::string("billing")) {
  KeyMetadata m;
  m.akid = akid;
  m.owner = owner;
  m.app = std::move(app);
  m.created = kToday;
  m.rotate_days = 90;
  m.due_date = m.deadline();
  return m;
}

// Deadline `days_left` days from today.
KeyMetadata DeadlineIn(const std::string& akid, std::int64_t days_left) {
  KeyMetadata m = Clean(akid);
  m.created = kToday.AddDays(days_left - 90);
  m.due_date = m.deadline();
  return m;
}

KeyMetadata SupersededUntil(const std::string& akid, std::int64_t grace_days_left) {
  KeyMetadata m = DeadlineIn(akid, -30);
  m.status = KeyStatus::kSuperseded;
  m.due_date = kToday.AddDays(grace_days_left);
  return m;
}

KeyMetadata Retired(KeyMetadata m) {
  m.status = KeyStatus::kRetired;
  m.due_date.reset();
  return m;
}

std::vector<Finding> Lint(const std::vector<KeyMetadata>& keys, const std::vector<std::string>& exported = {},
                          int max_rotate_days = 90) {
  Linter linter(LintPolicy{kToday, max_rotate_days});
  for (const KeyMetadata& k : keys) {
    KeyExports exports;
    exports.exported_to_recipient = std::find(exported.begin(), exported.end(), k.akid) != exported.end();
    linter.Observe(k, exports);
  }
  return linter.Finish();
}

std::vector<std::string> Rules(const std::vector<Finding>& findings) {
  std::vector<std::string> rules;
  for (const Finding& f : findings) rules.push_back(f.rule + " " + f.akid);
  return rules;
}

using Rows = std::vector<std::string>;

TEST(LintTest, CleanKeysHaveNoFindings) {
  EXPECT_TRUE(Lint({Clean("A1"), Clean("A2"), Clean("B1", "bob", std::nullopt)}).empty());
  EXPECT_TRUE(Lint({}).empty());
}

TEST(LintTest, Overdue) {
  const std::vector<Finding> f = Lint({DeadlineIn("K1", -1)});
  ASSERT_EQ(Rules(f), Rows{"overdue K1"});
  EXPECT_EQ(f[0].severity, Severity::kError);
  EXPECT_EQ(f[0].owner, "alice");
  EXPECT_EQ(f[0].app, std::optional<std::string>("billing"));
  EXPECT_EQ(f[0].message, "AccessKey K1 is 1 day past its rotation deadline 2025-06-14");
  EXPECT_EQ(f[0].fix, "create a new key in the console, then akvault rotate K1 --new-id NEW");
  // Near miss: the deadline is today (due, not overdue).
  EXPECT_EQ(Rules(Lint({DeadlineIn("K1", 0)})), Rows{"due-soon K1"});
}

TEST(LintTest, GraceOver) {
  const std::vector<Finding> f = Lint({SupersededUntil("K1", -2)});
  ASSERT_EQ(Rules(f), Rows{"grace-over K1"});
  EXPECT_EQ(f[0].severity, Severity::kError);
  EXPECT_EQ(f[0].message, "superseded AccessKey K1 is 2 days past the end of its grace period 2025-06-13");
  EXPECT_EQ(f[0].fix, "disable K1 in the console, then akvault retire K1");
  // Near misses: grace ends today or later; a superseded key is not "overdue"
  // for its old rotation deadline.
  EXPECT_TRUE(Lint({SupersededUntil("K1", 0)}).empty());
  EXPECT_TRUE(Lint({SupersededUntil("K1", 5)}).empty());
}

TEST(LintTest, TooManyKeysPerOwnerAndApp) {
  // Exactly two (the rotation overlap) is fine, and retired keys don't count.
  EXPECT_TRUE(Lint({Clean("K1"), Clean("K2")}).empty());
  EXPECT_TRUE(Lint({Clean("K1"), Clean("K2"), Retired(Clean("K3")), Retired(Clean("K4"))}).empty());
  // Other owners, other apps and personal keys are other groups.
  EXPECT_TRUE(Lint({Clean("K1"), Clean("K2"), Clean("K3", "alice", "shop"), Clean("K4", "bob"),
                    Clean("K5", "alice", std::nullopt), Clean("K6", "alice", std::nullopt)})
                  .empty());

  // Three that are not retired (a superseded one counts): one finding.
  const std::vector<Finding> f = Lint({Clean("K3"), SupersededUntil("K1", 3), Clean("K2"), Clean("X", "bob")});
  ASSERT_EQ(Rules(f), Rows{"too-many-keys K1"});
  EXPECT_EQ(f[0].severity, Severity::kError);
  EXPECT_EQ(f[0].owner, "alice");
  EXPECT_EQ(f[0].app, std::optional<std::string>("billing"));
  EXPECT_EQ(f[0].message,
            "owner alice, app billing has 3 keys that are not retired: K1, K2, K3; the cloud allows two per RAM "
            "user, for the rotation overlap");

  // Personal keys group by owner.
  const std::vector<Finding> personal =
      Lint({Clean("P1", "bob", std::nullopt), Clean("P2", "bob", std::nullopt), Clean("P3", "bob", std::nullopt)});
  ASSERT_EQ(Rules(personal), Rows{"too-many-keys P1"});
  EXPECT_FALSE(personal[0].app);
  EXPECT_NE(personal[0].message.find("owner bob (personal keys) has 3 keys"), std::string::npos);
}

TEST(LintTest, MainAccount) {
  KeyMetadata key = Clean("K1");
  key.main_account = true;
  const std::vector<Finding> f = Lint({key});
  ASSERT_EQ(Rules(f), Rows{"main-account K1"});
  EXPECT_EQ(f[0].severity, Severity::kError);
  EXPECT_NE(f[0].fix.find("create a RAM user"), std::string::npos) << f[0].fix;
  EXPECT_TRUE(Lint({Clean("K1")}).empty());
}

TEST(LintTest, PersonalKeyOnServer) {
  const std::vector<Finding> f = Lint({Clean("P1", "bob", std::nullopt)}, {"P1"});
  ASSERT_EQ(Rules(f), Rows{"personal-key-on-server P1"});
  EXPECT_EQ(f[0].severity, Severity::kWarning);
  EXPECT_FALSE(f[0].app);
  // Near misses: an app key on a server; a personal key never sent to one.
  EXPECT_TRUE(Lint({Clean("K1")}, {"K1"}).empty());
  EXPECT_TRUE(Lint({Clean("P1", "bob", std::nullopt)}).empty());
}

TEST(LintTest, RotationPeriodTooLong) {
  KeyMetadata key = Clean("K1");
  key.rotate_days = 91;
  key.due_date = key.deadline();
  const std::vector<Finding> f = Lint({key});
  ASSERT_EQ(Rules(f), Rows{"rotation-period-too-long K1"});
  EXPECT_EQ(f[0].severity, Severity::kWarning);
  EXPECT_EQ(f[0].fix, "at the next rotation: akvault rotate K1 --new-id NEW --rotate-days 90");
  key.rotate_days = 90;
  EXPECT_TRUE(Lint({key}).empty());
  key.rotate_days = 365;
  EXPECT_TRUE(Lint({key}, {}, 365).empty());  // the limit is the vault's policy
}

TEST(LintTest, DueSoon) {
  for (int days_left : {0, 1, 14}) {
    const std::vector<Finding> f = Lint({DeadlineIn("K1", days_left)});
    ASSERT_EQ(Rules(f), Rows{"due-soon K1"}) << days_left;
    EXPECT_EQ(f[0].severity, Severity::kInfo);
  }
  EXPECT_EQ(Lint({DeadlineIn("K1", 14)})[0].message,
            "AccessKey K1 reaches its rotation deadline 2025-06-29 in 14 days");
  EXPECT_EQ(Lint({DeadlineIn("K1", 0)})[0].message, "AccessKey K1 reaches its rotation deadline 2025-06-15 today");
  EXPECT_TRUE(Lint({DeadlineIn("K1", 15)}).empty());
}

TEST(LintTest, RetiredKeysAreHistory) {
  KeyMetadata bad = DeadlineIn("R1", -500);
  bad.main_account = true;
  bad.rotate_days = 3650;
  bad.app.reset();
  std::vector<KeyMetadata> keys = {Retired(bad)};
  for (int i = 2; i <= 5; ++i) keys.push_back(Retired(Clean("R" + std::to_string(i), "bob", std::nullopt)));
  EXPECT_TRUE(Lint(keys, {"R1", "R2"}).empty());
}

TEST(LintTest, SortedBySeverityThenRuleThenAkid) {
  KeyMetadata main_b = Clean("B", "carol");
  main_b.main_account = true;
  KeyMetadata main_a = Clean("A", "dave");
  main_a.main_account = true;
  KeyMetadata long_period = Clean("L", "erin");
  long_period.rotate_days = 400;
  const std::vector<KeyMetadata> keys = {
      DeadlineIn("S", 3),  main_b, long_period, SupersededUntil("G", -1), Clean("P", "frank", std::nullopt),
      DeadlineIn("O", -3), main_a};
  const Rows expected = {"grace-over G",  // errors, by rule then akid
                         "main-account A",
                         "main-account B",
                         "overdue O",
                         "too-many-keys G",  // alice/billing: G, O, S
                         "personal-key-on-server P",
                         "rotation-period-too-long L",
                         "due-soon S"};
  EXPECT_EQ(Rules(Lint(keys, {"P"})), expected);
  // Observation order does not matter.
  std::vector<KeyMetadata> reversed(keys.rbegin(), keys.rend());
  EXPECT_EQ(Rules(Lint(reversed, {"P"})), expected);
}

TEST(LintTest, FinishResetsAndFindingsAreOneLine) {
  Linter linter(LintPolicy{kToday, 90});
  KeyMetadata key = DeadlineIn("K1", -1);
  key.main_account = true;
  linter.Observe(key, {});
  const std::vector<Finding> first = linter.Finish();
  ASSERT_EQ(first.size(), 2u);
  for (const Finding& f : first) {
    EXPECT_EQ(f.message.find('\n'), std::string::npos);
    EXPECT_EQ(f.fix.find('\n'), std::string::npos);
    EXPECT_FALSE(f.fix.empty());
  }
  EXPECT_TRUE(linter.Finish().empty());
  linter.Observe(Clean("K2"), {});
  EXPECT_TRUE(linter.Finish().empty());
}

TEST(LintSeverityTest, NamesRoundTrip) {
  for (Severity s : {Severity::kInfo, Severity::kWarning, Severity::kError}) {
    EXPECT_EQ(ParseSeverity(SeverityName(s)), s);
  }
  EXPECT_EQ(SeverityName(Severity::kWarning), "warning");
  for (const char* bad : {"", "Error", "warn", "fatal", "error ", "info\n"}) EXPECT_FALSE(ParseSeverity(bad)) << bad;
}

TEST(LintSeverityTest, AnyAtOrAbove) {
  EXPECT_FALSE(AnyAtOrAbove({}, Severity::kInfo));
  const std::vector<Finding> info = {Finding{Severity::kInfo, "due-soon", "K", "o", std::nullopt, "m", "f"}};
  EXPECT_TRUE(AnyAtOrAbove(info, Severity::kInfo));
  EXPECT_FALSE(AnyAtOrAbove(info, Severity::kWarning));
  EXPECT_FALSE(AnyAtOrAbove(info, Severity::kError));
  std::vector<Finding> mixed = info;
  mixed.push_back(Finding{Severity::kWarning, "x", "K", "o", std::nullopt, "m", "f"});
  EXPECT_TRUE(AnyAtOrAbove(mixed, Severity::kWarning));
  EXPECT_FALSE(AnyAtOrAbove(mixed, Severity::kError));
  mixed.push_back(Finding{Severity::kError, "overdue", "K", "o", std::nullopt, "m", "f"});
  EXPECT_TRUE(AnyAtOrAbove(mixed, Severity::kError));
}

}  // namespace
}  // namespace akv
