// The vault-state MAC: one keyed tag over the whole vault that a write
// updates in O(1), so `check` finds a deleted row, a row put back to an older
// version, or a truncated audit trail, and a change never rehashes the vault.
//
// Construction (MSet-Add-Hash, Clarke et al. 2003): each element (a key
// record, a distribution row, a config row) contributes a keyed BLAKE2b MAC
// m_i; the state is (S = sum of m_i mod 2^256, n = number of elements).
// Adding or removing an element adds or subtracts its MAC. Because the m_i are
// pseudorandom under a key the attacker lacks, no change to the multiset of
// rows keeps S unchanged except with negligible probability; addition rather
// than XOR means a duplicated row does not cancel out. The stored tag
// T = MAC(k3, vault_id || S || n || audit head || audit seq) authenticates S
// and ties the audit trail's last entry to the same state.
#pragma once

#include <cstdint>

#include "vault/bytes.h"
#include "vault/crypto/mac.h"
#include "vault/crypto/secret.h"

namespace akv {

struct VaultState {
  Mac sum{};               // little-endian 256-bit integer
  std::int64_t count = 0;  // elements in the sum
};

void StateAdd(VaultState& state, const Mac& element);
void StateRemove(VaultState& state, const Mac& element);

Mac StateTag(const SecretBuffer& state_key, ByteView vault_id, const VaultState& state, const Mac& audit_head,
             std::int64_t audit_seq);

}  // namespace akv
