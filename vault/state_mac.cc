#include "vault/state_mac.h"

#include "vault/encoding/canonical.h"

namespace akv {

void StateAdd(VaultState& state, const Mac& element) {
  unsigned carry = 0;
  for (std::size_t i = 0; i < state.sum.size(); ++i) {
    unsigned v = unsigned{state.sum[i]} + element[i] + carry;
    state.sum[i] = static_cast<std::uint8_t>(v);
    carry = v >> 8;
  }
  ++state.count;
}

void StateRemove(VaultState& state, const Mac& element) {
  int borrow = 0;
  for (std::size_t i = 0; i < state.sum.size(); ++i) {
    int v = int{state.sum[i]} - element[i] - borrow;
    borrow = v < 0 ? 1 : 0;
    state.sum[i] = static_cast<std::uint8_t>(v + (borrow << 8));
  }
  --state.count;
}

Mac StateTag(const SecretBuffer& state_key, ByteView vault_id, const VaultState& state, const Mac& audit_head,
             std::int64_t audit_seq) {
  CanonicalWriter w("akvault/state");
  w.Field(vault_id).Field(state.sum).Number(state.count).Field(audit_head).Number(audit_seq);
  return KeyedHash(state_key, {w.bytes()});
}

}  // namespace akv
