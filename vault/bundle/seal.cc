// SealBundle: options checked, then the key schedule of seal.h run forward.
#include "vault/bundle/seal.h"

#include <algorithm>
#include <cstdlib>

#include "vault/bundle/format.h"
#include "vault/bundle/identity.h"
#include "vault/bundle/key_schedule.h"
#include "vault/bundle/password.h"
#include "vault/crypto/aead.h"
#include "vault/crypto/box_check.h"
#include "vault/crypto/mac.h"

namespace akv {
namespace {

Result<BundleMode> CheckOptions(const SealOptions& o) {
  if (o.password == nullptr && o.recipients.empty()) {
    return Status::Usage("a bundle needs a password or at least one recipient");
  }
  if (o.recipients.size() > kBundleMaxRecipients) {
    return Status::Usage("a bundle has at most " + std::to_string(kBundleMaxRecipients) + " recipients",
                         "export several bundles");
  }
  for (std::size_t i = 0; i < o.recipients.size(); ++i) {
    const std::string name = EncodeRecipient(o.recipients[i]);
    if (IsLowOrderPoint(o.recipients[i])) return Status::Usage("recipient " + name + " is not a valid public key");
    if (std::find(o.recipients.begin(), o.recipients.begin() + static_cast<std::ptrdiff_t>(i), o.recipients[i]) !=
        o.recipients.begin() + static_cast<std::ptrdiff_t>(i)) {
      return Status::Usage("recipient " + name + " is given twice", "give each --recipient once");
    }
  }
  if (o.password != nullptr) {
    // Only the canonical form may reach Argon2id, so a password opens the
    // bundle however it is later typed.
    Result<SecretBuffer> canonical = NormalizeBundlePassword(*o.password);
    if (!canonical.ok() || !canonical->Equals(o.password->span())) {
      return Status::Usage("the bundle password is not in canonical form",
                           "pass NormalizeBundlePassword(GenerateBundlePassword(...))");
    }
    AKV_RETURN_IF_ERROR(CheckKdfBounds(kKdfAlgArgon2id13, o.kdf));
  }
  if (o.created < 0 || o.expires < o.created || o.expires > kBundleMaxTime) {
    return Status::Usage("bundle times out of range (created " + std::to_string(o.created) + ", expires " +
                         std::to_string(o.expires) + ")");
  }
  if (o.password == nullptr) return BundleMode::kRecipients;
  return o.recipients.empty() ? BundleMode::kPassword : BundleMode::kRecipientsAndPassword;
}

template <std::size_t N>
void FillFrom(Rng& rng, std::array<std::uint8_t, N>& out) {
  rng.Fill(out);
}

// The size of the bundle Seal will write, known before any key is derived.
std::size_t BundleSizeFor(BundleMode mode, std::size_t recipients, std::size_t plaintext) {
  std::size_t n = kBundleMagic.size() + kBundleIdBytes + 8 + 8 + 1;
  if (ModeUsesPassword(mode)) n += 1 + 4 + 8 + kKdfSaltBytes;
  if (mode == BundleMode::kPassword) n += kAeadNonceBytes + kBundleWrapBytes;
  if (ModeUsesRecipients(mode)) n += 1 + recipients * StanzaBytesFor(mode);
  return n + kBundleHeaderMacBytes + kAeadNonceBytes + 4 + plaintext + kAeadTagBytes;
}

Result<SealedBundle> Seal(const SecretBuffer& plaintext, const SealOptions& o, Rng& rng) {
  AKV_ASSIGN_OR_RETURN(BundleMode mode, CheckOptions(o));
  if (BundleSizeFor(mode, o.recipients.size(), plaintext.size()) > kBundleMaxBytes) {
    return Status::Usage("the bundle would be larger than 1 MiB", "export the keys in several bundles");
  }
  ParsedBundle bundle;
  BundleHeader& h = bundle.header;
  h.mode = mode;
  h.created = o.created;
  h.expires = o.expires;
  FillFrom(rng, h.bundle_id);
  SecretBuffer file_key(kBundleFileKeyBytes);
  rng.Fill(file_key.span());

  Bytes sealed_to_recipients;  // what each stanza seals: the file key or the wrap
  if (ModeUsesPassword(mode)) {
    h.kdf_alg = kKdfAlgArgon2id13;
    h.kdf = o.kdf;
    FillFrom(rng, h.salt);
    AKV_ASSIGN_OR_RETURN(SecretBuffer wrap_key, DeriveWrapKey(o.kdf_fn, *o.password, h));
    FillFrom(rng, h.wrap_nonce);
    const Bytes wrap = AeadSeal(wrap_key, h.wrap_nonce, file_key.span(), WrapAssociatedData(h));
    std::copy(wrap.begin(), wrap.end(), h.wrap.begin());
    if (mode == BundleMode::kRecipientsAndPassword) {
      Append(sealed_to_recipients, h.wrap_nonce);
      Append(sealed_to_recipients, h.wrap);
      h.wrap_nonce = {};  // not in a mode-3 header: only inside the stanzas
      h.wrap = {};
    }
  }
  for (const BoxPublicKey& recipient : o.recipients) {
    const ByteView sealed =
        mode == BundleMode::kRecipients ? ByteView(file_key.span()) : ByteView(sealed_to_recipients);
    AKV_ASSIGN_OR_RETURN(Bytes stanza, BoxSeal(recipient, sealed));
    h.stanzas.push_back(std::move(stanza));
  }

  bundle.header_bytes_without_mac = SerializeHeader(h);
  bundle.header_mac = Hmac(HeaderMacKey(file_key), bundle.header_bytes_without_mac);
  bundle.payload_nonce = rng.Draw(kAeadNonceBytes);
  bundle.payload_ciphertext =
      AeadSeal(PayloadKey(file_key), bundle.payload_nonce, plaintext.span(), PayloadAssociatedData(bundle));

  SealedBundle out;
  out.bytes = SerializeBundle(bundle);
  if (out.bytes.size() != BundleSizeFor(mode, o.recipients.size(), plaintext.size())) std::abort();  // a bug
  out.bundle_id.assign(h.bundle_id.begin(), h.bundle_id.end());
  return out;
}

}  // namespace

Result<SealedBundle> SealBundle(const BundlePayload& payload, const SealOptions& options, Rng& rng) {
  AKV_ASSIGN_OR_RETURN(SecretBuffer plaintext, EncodePayload(payload));
  return Seal(plaintext, options, rng);
}

Result<SealedBundle> SealArbitraryPayloadForTesting(const SecretBuffer& plaintext, const SealOptions& options,
                                                    Rng& rng) {
  return Seal(plaintext, options, rng);
}

}  // namespace akv
