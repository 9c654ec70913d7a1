// Fuzz target for the bundle parsers (vault/bundle): arbitrary bytes must
// never crash them, and whatever they accept must keep their promises:
// - ParseBundle is canonical: SerializeBundle gives back the same bytes, and
//   the MAC input it reports is the serialised header;
// - an armored input dearmors to something that parses the same way;
// - InspectBundle agrees with ParseBundle; OpenBundle (with a fixed test
//   identity and password, and a cheap stand-in for Argon2id) fails only
//   with a documented code, and one line of message;
// - the payload, recipient and identity parsers, fed the same bytes, accept
//   only what their encoders write back identically.
// abort() on any broken promise, so both libFuzzer and the replay main catch it.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "vault/bundle/armor.h"
#include "vault/bundle/format.h"
#include "vault/bundle/identity.h"
#include "vault/bundle/payload.h"
#include "vault/bundle/seal.h"
#include "vault/crypto/init.h"
#include "vault/crypto/mac.h"
#include "vault/crypto/random.h"

namespace {

using namespace akv;

void Check(bool ok) {
  if (!ok) std::abort();
}

void CheckRefusal(const Status& s, std::initializer_list<Code> allowed) {
  bool listed = false;
  for (Code c : allowed) listed = listed || s.code() == c;
  Check(listed);
  Check(s.message().find('\n') == std::string::npos && !s.message().empty());
}

void CheckCanonicalParse(ByteView raw) {
  Result<ParsedBundle> parsed = ParseBundle(raw);
  if (!parsed.ok()) {
    CheckRefusal(parsed.status(), {Code::kFormat});
    return;
  }
  const Bytes again = SerializeBundle(*parsed);
  Check(again.size() == raw.size() && std::equal(again.begin(), again.end(), raw.begin()));
  Check(parsed->header_bytes_without_mac == SerializeHeader(parsed->header));
}

Result<SecretBuffer> CheapKdf(std::span<const std::uint8_t> password, ByteView salt, const KdfParams& params) {
  Bytes numbers;
  AppendU32BE(numbers, params.ops);
  AppendU64BE(numbers, params.mem_bytes);
  return SecretBuffer::CopyOf(Hash({AsBytes("akvault/fuzz-kdf"), password, salt, numbers}));
}

void CheckOpen(ByteView raw, const BoxKeyPair& identity, const SecretBuffer& password) {
  Result<BundleInfo> info = InspectBundle(raw);
  if (!LooksArmored(raw)) Check(info.ok() == ParseBundle(raw).ok());
  if (!info.ok()) return;
  OpenOptions o;
  o.password = info->needs_password ? &password : nullptr;
  o.identity = info->needs_identity ? &identity : nullptr;
  o.now = info->created;
  o.kdf_fn = CheapKdf;
  Result<OpenedBundle> opened = OpenBundle(raw, o);
  if (!opened.ok()) {
    CheckRefusal(opened.status(), {Code::kFormat, Code::kAuth, Code::kNoMatch, Code::kTampered, Code::kExpired});
    return;
  }
  Check(EncodePayload(opened->payload).ok());
}

void CheckTextParsers(ByteView raw) {
  const SecretBuffer secret = SecretBuffer::CopyOf(raw);
  Result<BundlePayload> payload = DecodePayload(secret);
  if (payload.ok()) {
    Result<SecretBuffer> back = EncodePayload(*payload);
    Check(back.ok() && back->Equals(raw));
  } else {
    CheckRefusal(payload.status(), {Code::kFormat});
  }
  Result<BoxPublicKey> recipient = ParseRecipient(AsText(raw));
  if (recipient.ok()) Check(EncodeRecipient(*recipient) == AsText(raw));
  Result<BoxKeyPair> id = ParseIdentityFile(secret);
  if (id.ok()) {
    Check(id->public_key == PublicKeyFor(id->secret_key));
  } else {
    CheckRefusal(id.status(), {Code::kNoMatch});
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool initialised = InitCrypto().ok();
  Check(initialised);
  // The vectors' test identity (SeededRng 0x1D) and password, so recipient
  // vectors in the corpus reach the payload stage.
  static const BoxKeyPair* identity = [] {
    SeededRng rng(0x1D);
    return new BoxKeyPair(GenerateBoxKeyPair(rng));
  }();
  static const SecretBuffer* password = new SecretBuffer(SecretBuffer::CopyOf("8Q7AD-15NQJ-1M75E-6ZPJF-SYE5M"));

  const ByteView raw(data, size);
  CheckCanonicalParse(raw);
  if (LooksArmored(raw)) {
    Result<Bytes> binary = DearmorBundle(AsText(raw));
    if (binary.ok()) {
      CheckCanonicalParse(*binary);
      Check(InspectBundle(raw).ok() == ParseBundle(*binary).ok());
    } else {
      CheckRefusal(binary.status(), {Code::kFormat});
    }
  }
  CheckOpen(raw, *identity, *password);
  if (size <= 4096) CheckTextParsers(raw);
  return 0;
}
