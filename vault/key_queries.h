// Internal to the vault library: the SELECTs behind every walk over the keys
// table, in one place so that a test can check their query plans
// (EXPLAIN QUERY PLAN: no temporary B-tree, whatever the filter).
//
// Both orders come straight off an index of schema 4, so a walk holds one
// row at a time: memory does not grow with the number of keys.
#pragma once

#include <string>
#include <string_view>

#include "vault/vault.h"

namespace akv::vault_internal {

// The columns a listing prints: the clear metadata, in ReadMetadata's order.
// Never uuid, version, nonce or sealed: a listing has no use for them, and
// fetching and copying the ciphertexts was a third of `due`'s time.
inline constexpr const char* kMetadataColumns =
    "akid, owner, app, status, created, rotate_days, due_date, status_since, predecessor, successor, main_account";

// SELECT `columns` of the keys that `filter` selects (parameters from ?1),
// ordered by owner, app, akid (index keys_by_owner_app_akid).
std::string KeysInListOrderSql(std::string_view columns, const KeyFilter& filter);

// SELECT `columns` of the keys with a due date on or before ?1 that `filter`
// selects (parameters from ?2), ordered by due_date, akid (index
// keys_by_due_date_akid).
std::string KeysInDueOrderSql(std::string_view columns, const KeyFilter& filter);

}  // namespace akv::vault_internal
