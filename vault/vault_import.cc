// Vault::ImportKeys: many keys in one transaction (`akvault import`).
//
// An import is the one bulk write: 100,000 keys from a console CSV. What
// keeps it close to SQLite's own insert speed, each measured on such an
// import (docs/benchmarks.md, benchmark a):
// - Rows go in in AccessKey ID order, so each lands at the right edge of the
//   UNIQUE akid index and of the listing indexes instead of on a random page
//   of them. Row order carries no meaning: the rowid is not authenticated
//   and every listing sorts.
// - kRowsPerInsert rows per INSERT, the metadata columns bound once per
//   statement: one statement per row (start, four b-tree cursors opened and
//   positioned, halt, fifteen bindings) took 1.7 times as long in SQLite.
// - One RecordCodec: one secure scratch buffer for every plaintext instead
//   of a sodium_malloc per key, and the associated data built once per key
//   for both the seal and the state element.
// - One StreamRng, seeded once from the vault's Rng, for every uuid and
//   nonce: one getrandom(2) instead of two per key.
// - The audit entry's list of IDs written directly, not through a JSON tree.
// - Two threads: a sealing thread builds and seals the records (AEAD and
//   state element: a third of the work), then writes the audit detail, while
//   this one inserts them, handing chunks over through a small ring
//   (SealedChunks). SQLite is only ever used from this thread. The order
//   itself can be sorted ahead (OrderImportRows), during the unlock.
// - Unowned binds: SQLite reads the chunk's bytes in place, no copy per row.
// - INSERT OR ROLLBACK: a conflict ends the whole transaction (an import is
//   all or nothing anyway), so SQLite needs no statement journal, which
//   copied every page an INSERT touched before touching it.
// SQLite's default 2 MB page cache is kept: with sorted inserts a spilled
// page is never needed again, and a 64 MiB cache made the import slower
// (a page fault for every new page it allocated). New vaults have 16 KiB
// pages (Vault::Create): a quarter of the WAL frames of 4 KiB pages.
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>
#include <thread>

#include "vault/crypto/random.h"
#include "vault/encoding/json_dump.h"
#include "vault/vault_write.h"

namespace akv {
namespace {

// The rows of one INSERT share the parameters of the metadata columns,
// ?1..?11, bound once per statement; each row has four of its own: akid,
// uuid, nonce and sealed. A key list whose metadata differs per key inserts
// one row per statement (see KeyList::kBatch).
constexpr int kSharedParams = 11;
constexpr int kParamsPerRow = 4;
constexpr std::size_t kRowsPerInsert = 128;
static_assert(kSharedParams + kRowsPerInsert * kParamsPerRow <= 999, "SQLite's lowest limit on parameters");

std::string InsertSql(std::size_t rows) {
  // kKeyColumns: akid, uuid, version, owner, app, status, created,
  // rotate_days, due_date, status_since, predecessor, successor,
  // main_account, nonce, sealed.
  std::string sql = std::string("INSERT OR ROLLBACK INTO keys (") + vault_internal::kKeyColumns + ") VALUES ";
  for (std::size_t r = 0; r < rows; ++r) {
    const std::size_t p = kSharedParams + 1 + r * kParamsPerRow;
    auto param = [](std::size_t n) { return "?" + std::to_string(n); };
    sql += (r == 0 ? "(" : ",(") + param(p) + "," + param(p + 1) + ",?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11," +
           param(p + 2) + "," + param(p + 3) + ")";
  }
  return sql;
}

// Binds the parameters of InsertSql, keeping the text of the dates while
// consecutive statements share them (Date::ToString is an snprintf).
class RowBinder {
 public:
  void BindShared(Statement& stmt, const StoredKey& key) {
    const KeyMetadata& m = key.meta;
    stmt.Bind(1, key.version)
        .Bind(2, m.owner)
        .BindOptional(3, m.app)
        .Bind(4, KeyStatusName(m.status))
        .Bind(5, Text(created_, m.created))
        .Bind(6, std::int64_t{m.rotate_days});
    BindDate(stmt, 7, due_, m.due_date);
    BindDate(stmt, 8, since_, m.status_since);
    stmt.BindOptional(9, m.predecessor).BindOptional(10, m.successor).Bind(11, std::int64_t{m.main_account ? 1 : 0});
  }
  static void BindRow(Statement& stmt, std::size_t row, const StoredKey& key) {
    const int p = kSharedParams + 1 + static_cast<int>(row) * kParamsPerRow;
    // Unowned: the chunk holding `key` is released only after the INSERT ran.
    stmt.BindUnowned(p, key.meta.akid)
        .BindBlobUnowned(p + 1, key.uuid)
        .BindBlobUnowned(p + 2, key.nonce)
        .BindBlobUnowned(p + 3, key.sealed);
  }

 private:
  struct DateText {
    std::optional<Date> date;
    std::string text;
  };
  static const std::string& Text(DateText& slot, Date date) {
    if (slot.date != date) {
      slot.text = date.ToString();
      slot.date = date;
    }
    return slot.text;
  }
  static void BindDate(Statement& stmt, int index, DateText& slot, const std::optional<Date>& date) {
    if (date) {
      stmt.Bind(index, Text(slot, *date));
    } else {
      stmt.BindNull(index);
    }
  }
  DateText created_, due_, since_;
};

// The rows in AccessKey ID order. Each entry carries the ID's first 16
// bytes, so that comparisons rarely leave the array for the IDs themselves
// (scattered over the caller's buffer: a cache miss each).
template <class Rows>
std::vector<std::uint32_t> SortedById(const Rows& rows) {
  struct Entry {
    std::uint64_t high, low;  // bytes 0-7 and 8-15, big-endian, zero-padded
    std::uint32_t index;
  };
  auto pack = [](std::string_view text, std::size_t from) {
    std::uint64_t v = 0;
    for (std::size_t k = from; k < from + 8; ++k) v = (v << 8) | (k < text.size() ? std::uint8_t(text[k]) : 0);
    return v;
  };
  std::vector<Entry> entries(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const std::string_view akid = rows.akid(i);
    entries[i] = {pack(akid, 0), pack(akid, 8), static_cast<std::uint32_t>(i)};
  }
  std::sort(entries.begin(), entries.end(), [&](const Entry& a, const Entry& b) {
    if (a.high != b.high) return a.high < b.high;
    if (a.low != b.low) return a.low < b.low;
    return rows.akid(a.index) < rows.akid(b.index);  // the padding can tie "a" with "a\0"
  });
  std::vector<std::uint32_t> order(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) order[i] = entries[i].index;
  return order;
}

// The audit detail, byte for byte what nlohmann::json would dump for
// {"akids": [...], "app", "count", "owner", "source"} (keys sorted), without
// building a JSON value per ID: a console ID is [A-Za-z0-9] and needs no
// escaping; anything else goes through nlohmann.
template <class Rows>
std::string ImportDetail(const Rows& rows, const KeyMetadata& first, const std::string& source) {
  std::string detail = "{\"akids\":[";
  detail.reserve(16 + rows.size() * 27);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (i != 0) detail += ',';
    const std::string_view akid = rows.akid(i);
    if (IsAlphanumeric(akid)) {
      detail += '"';
      detail += akid;
      detail += '"';
    } else {
      detail += DumpJson(nlohmann::json(std::string(akid)));
    }
  }
  const nlohmann::json rest = {{"source", source},
                               {"count", rows.size()},
                               {"owner", first.owner},
                               {"app", first.app ? nlohmann::json(*first.app) : nlohmann::json(nullptr)}};
  detail += "],";
  detail += DumpJson(rest).substr(1);  // {"app":...} without its brace
  return detail;
}

// The two shapes of input, seen the same way by ImportRows.
class KeyList {
 public:
  static constexpr std::size_t kBatch = 1;
  explicit KeyList(const std::vector<ImportKey>& keys) : keys_(keys) {}
  std::size_t size() const { return keys_.size(); }
  std::string_view akid(std::size_t i) const { return keys_[i].meta.akid; }
  std::span<const std::uint8_t> secret(std::size_t i) const { return keys_[i].secret; }
  const KeyMetadata& first() const { return keys_.front().meta; }
  void Start(StoredKey&, Rng&) const {}
  void Fill(StoredKey& stored, std::size_t i, Rng& rng) const {
    vault_internal::SetNewStoredKey(stored, keys_[i].meta, rng);
  }

 private:
  const std::vector<ImportKey>& keys_;
};

class SharedRows {
 public:
  static constexpr std::size_t kBatch = kRowsPerInsert;
  SharedRows(const KeyMetadata& shared, const std::vector<ImportRow>& rows) : shared_(shared), rows_(rows) {}
  std::size_t size() const { return rows_.size(); }
  std::string_view akid(std::size_t i) const { return rows_[i].akid; }
  std::span<const std::uint8_t> secret(std::size_t i) const { return rows_[i].secret; }
  const KeyMetadata& first() const { return shared_; }
  // The shared metadata is set once; each row changes only its ID and uuid.
  void Start(StoredKey& stored, Rng& rng) const { vault_internal::SetNewStoredKey(stored, shared_, rng); }
  void Fill(StoredKey& stored, std::size_t i, Rng& rng) const {
    stored.meta.akid.assign(rows_[i].akid);
    rng.Fill(stored.uuid);
  }

 private:
  const KeyMetadata& shared_;
  const std::vector<ImportRow>& rows_;
};

// The hand-over between the sealing thread and the inserting one: a ring of
// chunks of kRowsPerInsert sealed rows, one producer, one consumer. Slots are
// reused, so their strings and byte vectors keep their capacity. Only
// ciphertexts and metadata pass through it, never a secret.
class SealedChunks {
 public:
  struct Chunk {
    std::vector<StoredKey> keys = std::vector<StoredKey>(kRowsPerInsert);
    std::vector<Mac> elements = std::vector<Mac>(kRowsPerInsert);
  };
  explicit SealedChunks(std::size_t capacity) : chunks_(capacity) {}

  // Producer: the next chunk to fill, once the consumer has freed it;
  // nullptr when the consumer gave up.
  Chunk* NextToFill() {
    for (;;) {
      if (cancelled_.load(std::memory_order_acquire)) return nullptr;
      const std::size_t consumed = consumed_.load(std::memory_order_acquire);
      if (produced_ - consumed < chunks_.size()) return &chunks_[produced_ % chunks_.size()];
      consumed_.wait(consumed, std::memory_order_acquire);
    }
  }
  void Publish() {
    ++produced_;
    published_.store(produced_, std::memory_order_release);
    published_.notify_one();
  }

  // Consumer: the next filled chunk, waiting for it if needed.
  const Chunk& NextToInsert() {
    for (;;) {
      const std::size_t published = published_.load(std::memory_order_acquire);
      if (published > taken_) return chunks_[taken_ % chunks_.size()];
      published_.wait(published, std::memory_order_acquire);
    }
  }
  void Release() {
    ++taken_;
    consumed_.store(taken_, std::memory_order_release);
    consumed_.notify_one();
  }
  // Consumer: stop the producer (an insert failed); it returns at its next
  // NextToFill.
  void Cancel() {
    cancelled_.store(true, std::memory_order_release);
    consumed_.fetch_add(1, std::memory_order_release);  // wakes a waiting producer
    consumed_.notify_one();
  }

 private:
  std::vector<Chunk> chunks_;
  std::size_t produced_ = 0;  // producer's own count
  std::size_t taken_ = 0;     // consumer's own count
  std::atomic<std::size_t> published_{0};
  std::atomic<std::size_t> consumed_{0};
  std::atomic<bool> cancelled_{false};
};

// 16 chunks of 128 rows: enough that neither thread waits on the other's
// jitter, small enough to stay in cache.
constexpr std::size_t kChunksInFlight = 16;

// The insertion order of `rows` (by AccessKey ID), or kConflict for an ID
// given twice: sorted, a repeated ID sits next to its twin. (The CSV parser
// refuses one first, naming both lines; this guards every other caller.)
template <class Rows>
Result<std::vector<std::uint32_t>> OrderOf(const Rows& rows, const std::string& source) {
  std::vector<std::uint32_t> order = SortedById(rows);
  for (std::size_t i = 1; i < order.size(); ++i) {
    if (rows.akid(order[i]) == rows.akid(order[i - 1])) {
      return Status::Conflict("AccessKey " + std::string(rows.akid(order[i])) + " appears twice in " + source,
                              "remove the duplicate row; nothing was imported");
    }
  }
  return order;
}

// An order computed ahead (ImportOrder) is used only if it is one for these
// rows: as many entries, each in range, IDs strictly increasing (so no row
// twice and none left out).
template <class Rows>
bool IsOrderOf(const Rows& rows, const std::vector<std::uint32_t>& order) {
  if (order.size() != rows.size()) return false;
  for (std::size_t i = 0; i < order.size(); ++i) {
    if (order[i] >= rows.size()) return false;
    if (i > 0 && !(rows.akid(order[i - 1]) < rows.akid(order[i]))) return false;
  }
  return true;
}

// Rows seen only for their IDs (OrderImportRows).
class IdsOnly {
 public:
  explicit IdsOnly(const std::vector<ImportRow>& rows) : rows_(rows) {}
  std::size_t size() const { return rows_.size(); }
  std::string_view akid(std::size_t i) const { return rows_[i].akid; }

 private:
  const std::vector<ImportRow>& rows_;
};

}  // namespace

Result<ImportOrder> OrderImportRows(const std::vector<ImportRow>& rows, const std::string& source) {
  AKV_ASSIGN_OR_RETURN(std::vector<std::uint32_t> order, OrderOf(IdsOnly(rows), source));
  return ImportOrder{std::move(order)};
}

Status Vault::ImportKeys(const std::vector<ImportKey>& keys, const std::string& source, const ProgressFn& progress) {
  return ImportRows(KeyList(keys), source, progress, nullptr);
}

Status Vault::ImportKeys(const KeyMetadata& shared, const std::vector<ImportRow>& rows, const std::string& source,
                         const ProgressFn& progress, const ImportOrder* order) {
  return ImportRows(SharedRows(shared, rows), source, progress, order);
}

template <class Rows>
Status Vault::ImportRows(const Rows& rows, const std::string& source, const ProgressFn& progress,
                         const ImportOrder* given_order) {
  AKV_RETURN_IF_ERROR(RequireUnlocked());
  const std::size_t total = rows.size();
  std::vector<std::uint32_t> computed_order;
  const bool given_fits = given_order != nullptr && IsOrderOf(rows, given_order->rows);
  if (!given_fits) {
    AKV_ASSIGN_OR_RETURN(computed_order, OrderOf(rows, source));
  }
  const std::vector<std::uint32_t>& order = given_fits ? given_order->rows : computed_order;

  AKV_ASSIGN_OR_RETURN(auto write, Write::Begin(*this));
  constexpr std::size_t kBatch = Rows::kBatch;
  static_assert(kRowsPerInsert % kBatch == 0);
  AKV_ASSIGN_OR_RETURN(Statement full, db_->Prepare(InsertSql(kBatch)));

  // The sealing thread: rows in ID order, chunk by chunk. Its random stream
  // is seeded here, from the vault's Rng, which it never touches.
  SealedChunks ring(kChunksInFlight);
  static const KeyMetadata kNoKey;
  std::string detail;  // written by the sealing thread, read after it is joined
  StreamRng rng(rng_);
  auto seal_all = [&] {
    RecordCodec codec(subkeys_->records, subkeys_->state, keyring_.vault_id);
    for (std::size_t begin = 0; begin < total; begin += kRowsPerInsert) {
      SealedChunks::Chunk* chunk = ring.NextToFill();
      if (chunk == nullptr) return;
      if (begin / kRowsPerInsert < kChunksInFlight) {
        // A slot's first use: it starts from the shared metadata
        // (SharedRows); Fill then sets what differs per row.
        for (StoredKey& slot : chunk->keys) rows.Start(slot, rng);
      }
      const std::size_t count = std::min(kRowsPerInsert, total - begin);
      for (std::size_t r = 0; r < count; ++r) {
        const std::size_t i = order[begin + r];
        StoredKey& stored = chunk->keys[r];
        rows.Fill(stored, i, rng);
        chunk->elements[r] = codec.Seal(stored, rows.secret(i), "", rng);
      }
      ring.Publish();
    }
    // Idle now while the inserts catch up: build the audit entry's detail.
    detail = ImportDetail(rows, total > 0 ? rows.first() : kNoKey, source);
  };
  std::thread sealer(seal_all);
  // Whatever way this function returns, the sealing thread is stopped and
  // joined first: it reads `rows`, `ring` and the vault's subkeys.
  struct JoinSealer {
    SealedChunks& ring;
    std::thread& thread;
    ~JoinSealer() {
      if (!thread.joinable()) return;
      ring.Cancel();
      thread.join();
    }
  } join_sealer{ring, sealer};

  RowBinder binder;
  std::optional<Statement> tail;  // the last, shorter INSERT
  for (std::size_t begin = 0; begin < total; begin += kRowsPerInsert) {
    const SealedChunks::Chunk& chunk = ring.NextToInsert();
    const std::size_t in_chunk = std::min(kRowsPerInsert, total - begin);
    for (std::size_t first = 0; first < in_chunk; first += kBatch) {
      const std::size_t count = std::min(kBatch, in_chunk - first);
      if (count < kBatch && !tail) {
        AKV_ASSIGN_OR_RETURN(tail, db_->Prepare(InsertSql(count)));
      }
      Statement& insert = count < kBatch ? *tail : full;
      for (std::size_t r = 0; r < count; ++r) {
        const StoredKey& stored = chunk.keys[first + r];
        write->AddElement(chunk.elements[first + r]);
        if (r == 0) binder.BindShared(insert, stored);
        RowBinder::BindRow(insert, r, stored);
      }
      Status inserted = insert.Run();
      if (!inserted.ok()) {
        insert.Reset();
        if (inserted.code() == Code::kConflict) {
          // OR ROLLBACK has ended the transaction; the vault is as it was.
          for (std::size_t r = 0; r < count; ++r) {
            const std::string& akid = chunk.keys[first + r].meta.akid;
            AKV_ASSIGN_OR_RETURN(auto existing, FindKey(akid));
            if (!existing) continue;
            return Status::Conflict("AccessKey " + akid + " from " + source + " is already in the vault (" +
                                        vault_internal::OwnerAndApp(existing->meta) + ")",
                                    "one AccessKey belongs to one owner and app; nothing was imported");
          }
        }
        return inserted;
      }
      if (db_->Changes() != static_cast<std::int64_t>(count)) {
        return Status::Tampered("vault " + path_ + ": an import INSERT stored " + std::to_string(db_->Changes()) +
                                    " of " + std::to_string(count) + " rows (the file holds schema objects akvault "
                                    "never creates)",
                                "nothing was imported; run `akvault check`, and restore the vault from a backup");
      }
    }
    ring.Release();
    const std::size_t done = begin + in_chunk;
    if (progress && (done / 1000 != begin / 1000 || done == total)) progress(done, total);
  }
  sealer.join();  // it has sealed every row; it finishes the detail
  {
    // The leak scan's fingerprints, in ID order (the table's key order).
    std::vector<std::pair<std::string_view, ByteView>> fingerprinted;
    fingerprinted.reserve(total);
    for (std::uint32_t i : order) fingerprinted.emplace_back(rows.akid(i), rows.secret(i));
    AKV_RETURN_IF_ERROR(WriteFingerprints(fingerprinted));
  }
  AKV_RETURN_IF_ERROR(write->Audit("import", std::nullopt, detail));
  return write->Commit();
}

}  // namespace akv
