// Vault::ImportKeys for rows sharing their metadata (the console CSV's path):
// batches, ordering, all-or-nothing, and the audit entry's exact bytes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>

#include "tests/support/vault_fixture.h"
#include "vault/vault.h"

namespace akv {
namespace {

using testing::Secret;
class VaultImportTest : public testing::VaultFixture {
 protected:
  // `n` IDs in an order that is not sorted, with their secrets in one buffer.
  void MakeRows(int n) {
    std::string text;
    ids_.clear();
    for (int i = 0; i < n; ++i) {
      char id[32], secret[32];
      std::snprintf(id, sizeof id, "LTAI5t%018d", (i * 7919) % n);
      std::snprintf(secret, sizeof secret, "S%029d", (i * 7919) % n);
      ids_.push_back(id);
      text += secret;
    }
    secrets_ = Secret(text);
    rows_.clear();
    for (int i = 0; i < n; ++i) rows_.push_back(ImportRow{ids_[i], secrets_.span().subspan(30 * i, 30)});
  }
  static KeyMetadata Shared() {
    KeyMetadata m;
    m.owner = "ops";
    m.app = "fleet";
    m.created = *Date::Parse("2026-10-01");
    m.rotate_days = 60;
    return m;
  }
  static std::size_t Count(Vault& v) {
    std::size_t count = 0;
    EXPECT_TRUE(v.ForEachKey({}, [&](const StoredKey&) {
                   ++count;
                   return Status::Ok();
                 }).ok());
    return count;
  }
  std::vector<std::string> ids_;
  SecretBuffer secrets_;
  std::vector<ImportRow> rows_;
};

// Batches of rows, a shorter last batch, every key sealed on its own: each
// opens to its secret with the shared metadata, nonces and uuids all differ,
// check passes, and the audit entry lists the IDs in the caller's order.
TEST_F(VaultImportTest, SharedMetadataRowsAllOpen) {
  MakeRows(1001);
  auto v = OpenUnlocked();
  std::vector<std::size_t> progress;
  ASSERT_TRUE(v->ImportKeys(Shared(), rows_, "keys.csv", [&](std::size_t done, std::size_t total) {
                 EXPECT_EQ(total, 1001u);
                 progress.push_back(done);
               }).ok());
  ASSERT_FALSE(progress.empty());
  EXPECT_EQ(progress.back(), 1001u);
  EXPECT_TRUE(std::is_sorted(progress.begin(), progress.end()));

  std::set<Bytes> nonces, uuids;
  std::size_t count = 0;
  ASSERT_TRUE(v->ForEachKey({}, [&](const StoredKey& k) {
                 ++count;
                 nonces.insert(k.nonce);
                 uuids.insert(k.uuid);
                 EXPECT_EQ(k.meta.owner, "ops");
                 EXPECT_EQ(k.meta.app, std::optional<std::string>("fleet"));
                 EXPECT_EQ(k.meta.status, KeyStatus::kActive);
                 EXPECT_EQ(k.meta.due_date, *Date::Parse("2026-11-30"));
                 EXPECT_EQ(k.version, 1);
                 return Status::Ok();
               }).ok());
  EXPECT_EQ(count, 1001u);
  EXPECT_EQ(nonces.size(), 1001u);
  EXPECT_EQ(uuids.size(), 1001u);
  for (int i : {0, 1, 500, 1000}) {
    auto opened = v->OpenKeyRecord(**v->FindKey(ids_[i]));
    ASSERT_TRUE(opened.ok()) << ids_[i];
    EXPECT_EQ(opened->secret.view(), secrets_.view().substr(30 * i, 30));
  }
  auto report = v->Check();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->problems.empty()) << report->problems.front();
  EXPECT_EQ(report->keys_checked, 1001);

  std::string detail;
  ASSERT_TRUE(v->ForEachAuditEntry([&](const AuditEntry& e) {
                 if (e.event == "import") detail = e.detail;
                 return Status::Ok();
               }).ok());
  nlohmann::json expected = {{"source", "keys.csv"}, {"count", 1001}, {"owner", "ops"}, {"app", "fleet"}};
  expected["akids"] = ids_;
  EXPECT_EQ(detail, expected.dump()) << "the same bytes nlohmann would write, IDs in the file's order";
}

// All or nothing: a clash with a key in the vault, in any batch, names it and
// its owner and leaves the vault as it was; so does an ID given twice.
TEST_F(VaultImportTest, ConflictsImportNothing) {
  MakeRows(100);
  auto v = OpenUnlocked();
  NewKey existing = Key(ids_[77], "carol", "web");
  ASSERT_TRUE(v->AddKey(existing).ok());
  Status refused = v->ImportKeys(Shared(), rows_, "keys.csv", nullptr);
  EXPECT_EQ(refused.code(), Code::kConflict);
  EXPECT_EQ(refused.message(),
            "AccessKey " + ids_[77] + " from keys.csv is already in the vault (owner carol, app web)");
  std::size_t count = 0;
  ASSERT_TRUE(v->ForEachKey({}, [&](const StoredKey&) {
                 ++count;
                 return Status::Ok();
               }).ok());
  EXPECT_EQ(count, 1u);

  std::vector<ImportRow> twice = {rows_[3], rows_[5], rows_[3]};
  Status dup = v->ImportKeys(Shared(), twice, "keys.csv", nullptr);
  EXPECT_EQ(dup.code(), Code::kConflict);
  EXPECT_EQ(dup.message(), "AccessKey " + ids_[3] + " appears twice in keys.csv");
  EXPECT_TRUE(v->Check()->problems.empty());
  // The refused imports left the state consistent: a later write works.
  ASSERT_TRUE(v->ImportKeys(Shared(), {rows_[3], rows_[5]}, "keys.csv", nullptr).ok());
  EXPECT_TRUE(v->Check()->problems.empty());
}

// A clash on the very first row of a large import: the INSERT fails while
// the sealing thread is still far ahead, waiting for room; it is stopped and
// joined, nothing is imported, and the vault takes the next write.
TEST_F(VaultImportTest, EarlyConflictStopsTheSealingThread) {
  MakeRows(6000);
  auto v = OpenUnlocked();
  const auto first = std::min_element(ids_.begin(), ids_.end());
  ASSERT_TRUE(v->AddKey(Key(*first, "carol", "web")).ok());
  Status refused = v->ImportKeys(Shared(), rows_, "keys.csv", nullptr);
  EXPECT_EQ(refused.code(), Code::kConflict);
  EXPECT_NE(refused.message().find(*first), std::string::npos) << refused.message();
  EXPECT_EQ(Count(*v), 1u);
  EXPECT_TRUE(v->Check()->problems.empty());
  ASSERT_TRUE(v->AddKey(Key("LTAI5tZZZZZZZZZZZZZZZZZZ", "dave", "ops")).ok());
  EXPECT_TRUE(v->Check()->problems.empty());
}

// An order computed ahead (on another core, during the unlock) gives the
// same vault; an order that does not fit the rows is not trusted.
TEST_F(VaultImportTest, OrderComputedAheadIsUsedOnlyWhenItFits) {
  MakeRows(300);
  auto order = OrderImportRows(rows_, "keys.csv");
  ASSERT_TRUE(order.ok());
  ASSERT_EQ(order->rows.size(), 300u);
  for (std::size_t i = 1; i < 300; ++i) EXPECT_LT(rows_[order->rows[i - 1]].akid, rows_[order->rows[i]].akid);

  auto v = OpenUnlocked();
  ASSERT_TRUE(v->ImportKeys(Shared(), rows_, "keys.csv", nullptr, &order.value()).ok());
  EXPECT_EQ(Count(*v), 300u);
  EXPECT_TRUE(v->Check()->problems.empty());

  // Wrong orders for the next rows: a repeated row, a short list, an index
  // out of range, an unsorted list. Each is ignored, and every row goes in
  // exactly once.
  const std::vector<ImportOrder> wrong_orders = {
      ImportOrder{{1, 1, 2}}, ImportOrder{{1, 0}}, ImportOrder{{1, 0, 7}}, ImportOrder{{2, 1, 0}}};
  std::size_t expected = 300;
  for (std::size_t w = 0; w < wrong_orders.size(); ++w) {
    std::vector<std::string> more_ids;
    for (char c : {'B', 'A', 'C'}) more_ids.push_back("LTAI5t" + std::string(1, char('P' + w)) + std::string(17, c));
    std::vector<ImportRow> more;
    for (const std::string& id : more_ids) more.push_back(ImportRow{id, secrets_.span().first(30)});
    ASSERT_TRUE(v->ImportKeys(Shared(), more, "more.csv", nullptr, &wrong_orders[w]).ok()) << w;
    expected += 3;
    EXPECT_EQ(Count(*v), expected) << w;
    for (const std::string& id : more_ids) EXPECT_TRUE(v->FindKey(id)->has_value()) << id;
  }
  EXPECT_TRUE(v->Check()->problems.empty());

  const std::vector<ImportRow> twice = {rows_[4], rows_[4]};
  EXPECT_EQ(OrderImportRows(twice, "keys.csv").status().code(), Code::kConflict);
}

// An empty import records an entry and changes nothing else.
TEST_F(VaultImportTest, EmptyImport) {
  auto v = OpenUnlocked();
  ASSERT_TRUE(v->ImportKeys(Shared(), {}, "keys.csv", nullptr).ok());
  ASSERT_TRUE(v->ImportKeys(std::vector<ImportKey>{}, "keys.csv", nullptr).ok());
  EXPECT_TRUE(v->Check()->problems.empty());
}

}  // namespace
}  // namespace akv
