// The rows of `list` and `due`, written without nlohmann::json, are the
// bytes the nlohmann objects gave (the contract's output): KeyJson for
// `list --json`, and the object `due --json` used to build.
#include "cli/listing_format.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/commands/common.h"

namespace akv::cli {
namespace {

Date D(const char* text) { return Date::Parse(text).value(); }

std::vector<KeyMetadata> Keys() {
  std::vector<KeyMetadata> keys;
  KeyMetadata active;
  active.akid = "LTAI5tAAAAAAAAAAAAAAAAAA";
  active.owner = "alice";
  active.app = "billing";
  active.created = D("2024-02-29");
  active.rotate_days = 90;
  active.due_date = active.deadline();
  keys.push_back(active);

  KeyMetadata personal = active;  // no app, main account
  personal.app.reset();
  personal.main_account = true;
  personal.rotate_days = 3650;
  personal.due_date = personal.deadline();
  keys.push_back(personal);

  KeyMetadata superseded = active;
  superseded.status = KeyStatus::kSuperseded;
  superseded.status_since = D("2024-05-01");
  superseded.due_date = D("2024-05-08");
  superseded.successor = "LTAI5tBBBBBBBBBBBBBBBBBB";
  superseded.predecessor = "LTAI5tZZZZZZZZZZZZZZZZZZ";
  keys.push_back(superseded);

  KeyMetadata retired = superseded;
  retired.status = KeyStatus::kRetired;
  retired.due_date.reset();
  keys.push_back(retired);

  // What only an edit of the file outside akvault can store: every
  // character that needs escaping, and UTF-8 that is valid but not ASCII.
  KeyMetadata odd = active;
  odd.owner = std::string("a\"b\\c/d\x01\x1f\x7f\n\t", 13) + "\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80";
  odd.app = "x\r\b\f";
  odd.akid = "LTAI5t\"quote";
  keys.push_back(odd);
  return keys;
}

// The object `due --json` printed before it wrote rows itself.
nlohmann::json OldDueJson(const DueItem& item) {
  const KeyMetadata& m = item.meta;
  return {{"akid", m.akid},
          {"owner", m.owner},
          {"app", m.app ? nlohmann::json(*m.app) : nlohmann::json(nullptr)},
          {"status", std::string(KeyStatusName(m.status))},
          {"due", item.due.ToString()},
          {"days_left", item.days_left},
          {"kind", DueKindName(item.kind)},
          {"action", item.action}};
}

TEST(ListingFormatTest, KeyJsonBytesAreKeyJsonDump) {
  for (const KeyMetadata& m : Keys()) {
    std::string out;
    AppendKeyJson(out, m);
    EXPECT_EQ(out, KeyJson(m).dump()) << m.owner;
  }
}

TEST(ListingFormatTest, DueJsonBytesAreTheOldObjectDump) {
  const Date today = D("2024-06-10");
  int items = 0;
  for (const KeyMetadata& m : Keys()) {
    for (int within : {0, 30, 5000}) {
      for (const Date day : {today.AddDays(-400), today, today.AddDays(400)}) {
        std::optional<DueItem> item = ClassifyDue(m, day, within);
        if (!item) continue;
        ++items;
        std::string out;
        AppendDueJson(out, *item);
        EXPECT_EQ(out, OldDueJson(*item).dump()) << m.owner;
      }
    }
  }
  EXPECT_GT(items, 10);
}

TEST(ListingFormatTest, DueKindsHaveStableNames) {
  EXPECT_STREQ(DueKindName(DueItem::Kind::kRotationOverdue), "rotation-overdue");
  EXPECT_STREQ(DueKindName(DueItem::Kind::kRotationDue), "rotation-due");
  EXPECT_STREQ(DueKindName(DueItem::Kind::kGraceOver), "grace-over");
  EXPECT_STREQ(DueKindName(DueItem::Kind::kGraceEnding), "grace-ending");
}

// Where nlohmann threw (and the command died by SIGABRT), a damaged name is
// printed with U+FFFD and the listing goes on.
TEST(ListingFormatTest, InvalidUtf8IsReplacedNotFatal) {
  KeyMetadata m = Keys().front();
  m.owner = "bad\xC3(";
  EXPECT_THROW(KeyJson(m).dump(), nlohmann::json::type_error);
  std::string out;
  AppendKeyJson(out, m);
  EXPECT_EQ(out, KeyJson(m).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  EXPECT_NE(out.find("\"owner\":\"bad\xEF\xBF\xBD(\""), std::string::npos);
  EXPECT_TRUE(nlohmann::json::accept(out));
}

TEST(ListingFormatTest, PaddingIsPadRight) {
  for (const std::string text : {"", "a", "ACCESSKEY ID", "LTAI5tAAAAAAAAAAAAAAAAAA", "LTAI5tAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}) {
    for (std::size_t width : {0, 1, 11, 25, 26, 27}) {
      std::string line = "x";
      AppendPadded(line, text, width);
      EXPECT_EQ(line, "x" + PadRight(text, width)) << text << " " << width;
    }
  }
}

}  // namespace
}  // namespace akv::cli
