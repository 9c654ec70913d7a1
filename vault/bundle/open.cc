// InspectBundle and OpenBundle: the checks of seal.h in their fixed order.
#include <algorithm>
#include <optional>

#include "vault/bundle/armor.h"
#include "vault/bundle/format.h"
#include "vault/bundle/identity.h"
#include "vault/bundle/key_schedule.h"
#include "vault/bundle/password.h"
#include "vault/bundle/seal.h"
#include "vault/bundle/utc_text.h"
#include "vault/crypto/aead.h"
#include "vault/crypto/box_check.h"
#include "vault/crypto/mac.h"
#include "vault/encoding/encoding.h"

namespace akv {
namespace {

const char kAskAgain[] = "ask the sender for a new bundle";

Result<ParsedBundle> Parse(ByteView raw) {
  if (LooksArmored(raw)) {
    AKV_ASSIGN_OR_RETURN(Bytes binary, DearmorBundle(AsText(raw)));
    return ParseBundle(binary);
  }
  return ParseBundle(raw);
}

BundleInfo InfoOf(const BundleHeader& h) {
  BundleInfo info;
  info.bundle_id_hex = HexEncode(h.bundle_id);
  info.created = h.created;
  info.expires = h.expires;
  info.needs_password = ModeUsesPassword(h.mode);
  info.needs_identity = ModeUsesRecipients(h.mode);
  info.recipient_count = h.stanzas.size();
  return info;
}

Status CheckCredentialsGiven(const BundleHeader& h, const OpenOptions& o) {
  const bool want_password = ModeUsesPassword(h.mode);
  const bool want_identity = ModeUsesRecipients(h.mode);
  if (want_identity && o.identity == nullptr) {
    return Status::Usage(
        want_password ? "this bundle needs an identity and a password" : "this bundle needs an identity",
        "pass --identity FILE (the file `akvault keygen` wrote on this machine)");
  }
  if (want_password && o.password == nullptr) {
    return Status::Usage("this bundle needs its password", "pass --password-file FILE, or type it when asked");
  }
  if (!want_identity && o.identity != nullptr) {
    return Status::Usage("this bundle is not sealed to any identity", "drop --identity: it opens with its password");
  }
  if (!want_password && o.password != nullptr) {
    return Status::Usage("this bundle has no password", "drop --password-file: it opens with --identity alone");
  }
  return Status::Ok();
}

// Step 4: the first stanza that opens with the identity, after refusing any
// stanza whose ephemeral key is of low order (whichever stanza it is in).
// Every stanza gets exactly one verdict: BoxSealOpen classifies the ones it
// tries (a stanza that opens cannot be of low order, one that does not is
// checked there), and the stanzas after the one that opened are checked here.
// So a one-recipient bundle costs one X25519, not three.
Result<SecretBuffer> OpenStanzas(const BundleHeader& h, const BoxKeyPair& identity) {
  std::optional<SecretBuffer> file_key;
  for (const Bytes& stanza : h.stanzas) {
    if (file_key) {
      if (!IsLowOrderPoint(ByteView(stanza).first(kBoxPublicKeyBytes))) continue;
    } else {
      Result<SecretBuffer> opened = BoxSealOpen(identity, stanza);
      if (opened.ok()) {
        file_key = std::move(opened).value();
        continue;
      }
      if (opened.status().code() == Code::kNoMatch) continue;
      if (opened.status().code() != Code::kFormat) return opened.status();
    }
    return Status::Format("bundle is damaged: a recipient stanza has a low-order ephemeral key",
                          "this bundle was crafted, not made by `akvault export`; do not use it");
  }
  if (file_key) return std::move(*file_key);
  return Status::NoMatch("this bundle was not sealed to identity " + EncodeRecipient(identity.public_key),
                         "use the identity whose public key the sender exported to, or ask the sender to export to "
                         "this one (or the bundle was modified)");
}

// Step 5: the file key from the password wrap.
Result<SecretBuffer> Unwrap(const BundleHeader& h, const SecretBuffer& canonical_password, ByteView wrap_nonce,
                            ByteView wrap, const PasswordKdfFn& kdf_fn) {
  AKV_ASSIGN_OR_RETURN(SecretBuffer wrap_key, DeriveWrapKey(kdf_fn, canonical_password, h));
  Result<SecretBuffer> file_key = AeadOpen(wrap_key, wrap_nonce, wrap, WrapAssociatedData(h));
  if (!file_key.ok()) {
    return Status::Auth("wrong password, or the bundle was modified",
                        "check the password you were sent; if it is right, " + std::string(kAskAgain));
  }
  return file_key;
}

Result<SecretBuffer> RecoverFileKey(const BundleHeader& h, const OpenOptions& o) {
  SecretBuffer password;
  if (ModeUsesPassword(h.mode)) {
    AKV_ASSIGN_OR_RETURN(password, NormalizeBundlePassword(*o.password));  // step 3, before any KDF
  }
  switch (h.mode) {
    case BundleMode::kPassword:
      return Unwrap(h, password, h.wrap_nonce, h.wrap, o.kdf_fn);
    case BundleMode::kRecipients:
      return OpenStanzas(h, *o.identity);
    case BundleMode::kRecipientsAndPassword: {
      AKV_ASSIGN_OR_RETURN(SecretBuffer inner, OpenStanzas(h, *o.identity));
      const ByteView sealed = inner.span();
      return Unwrap(h, password, sealed.first(kAeadNonceBytes), sealed.subspan(kAeadNonceBytes), o.kdf_fn);
    }
  }
  return Status::Internal("unknown bundle mode");
}

Status CheckTimes(const BundleHeader& h, std::int64_t now) {
  if (now >= h.expires) {
    return Status::Expired("bundle expired on " + FormatUtcIso(h.expires), kAskAgain);
  }
  if (h.created > now + kBundleClockSkewSeconds) {
    return Status::Expired("bundle was created in the future (" + FormatUtcIso(h.created) + "); check the clocks",
                           "the sender's or this machine's clock is more than 5 minutes off");
  }
  return Status::Ok();
}

}  // namespace

Result<BundleInfo> InspectBundle(ByteView raw) {
  AKV_ASSIGN_OR_RETURN(ParsedBundle bundle, Parse(raw));
  return InfoOf(bundle.header);
}

Result<OpenedBundle> OpenBundle(ByteView raw, const OpenOptions& options) {
  AKV_ASSIGN_OR_RETURN(ParsedBundle bundle, Parse(raw));
  const BundleHeader& h = bundle.header;
  AKV_RETURN_IF_ERROR(CheckCredentialsGiven(h, options));
  AKV_ASSIGN_OR_RETURN(SecretBuffer file_key, RecoverFileKey(h, options));
  if (!HmacVerify(HeaderMacKey(file_key), bundle.header_bytes_without_mac, bundle.header_mac)) {
    return Status::Tampered("bundle header failed authentication: it was modified", kAskAgain);
  }
  AKV_RETURN_IF_ERROR(CheckTimes(h, options.now));
  Result<SecretBuffer> plaintext =
      AeadOpen(PayloadKey(file_key), bundle.payload_nonce, bundle.payload_ciphertext, PayloadAssociatedData(bundle));
  if (!plaintext.ok()) return Status::Tampered("bundle content failed authentication: it was modified", kAskAgain);
  AKV_ASSIGN_OR_RETURN(BundlePayload payload, DecodePayload(*plaintext));
  return OpenedBundle{InfoOf(h), std::move(payload)};
}

}  // namespace akv
