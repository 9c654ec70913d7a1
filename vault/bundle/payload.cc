#include "vault/bundle/payload.h"

#include <set>

#include "vault/bundle/constants.h"
#include "vault/bundle/secret_text.h"
#include "vault/key_record.h"
#include "vault/rotation/date.h"

namespace akv {
namespace {

Status CheckDate(std::string_view field, const std::string& text) {
  std::optional<Date> date = Date::Parse(text);
  if (!date || date->ToString() != text) return Status::Usage(std::string(field) + " is not a date YYYY-MM-DD");
  return Status::Ok();
}

Status CheckRotateDays(int days) {
  if (days < 1 || days > kMaxRotateDays) {
    return Status::Usage("rotate_days " + std::to_string(days) + " is outside 1.." + std::to_string(kMaxRotateDays));
  }
  return Status::Ok();
}

Status ValidateKey(const BundleKey& key) {
  AKV_RETURN_IF_ERROR(ValidateAccessKeyId(key.akid));
  AKV_RETURN_IF_ERROR(ValidateSecret(key.secret.view()));
  AKV_RETURN_IF_ERROR(ValidateName("owner", key.owner));
  if (key.app) AKV_RETURN_IF_ERROR(ValidateName("app", *key.app));
  AKV_RETURN_IF_ERROR(CheckDate("created", key.created));
  AKV_RETURN_IF_ERROR(CheckDate("deadline", key.deadline));
  return CheckRotateDays(key.rotate_days);
}

// `,"name":"value"` (or `{"name":"value"` for the first field).
void Quoted(SecretTextSink& out, std::string_view prefix, std::string_view value) {
  out.Put(prefix);
  out.Put('"');
  out.Put(value);
  out.Put('"');
}

void Emit(const BundlePayload& payload, SecretTextSink& out) {
  out.Put(R"({"v":1,"keys":[)");
  for (std::size_t i = 0; i < payload.keys.size(); ++i) {
    const BundleKey& k = payload.keys[i];
    if (i > 0) out.Put(',');
    Quoted(out, R"({"akid":)", k.akid);
    Quoted(out, R"(,"secret":)", k.secret.view());
    Quoted(out, R"(,"owner":)", k.owner);
    if (k.app) {
      Quoted(out, R"(,"app":)", *k.app);
    } else {
      out.Put(R"(,"app":null)");
    }
    Quoted(out, R"(,"created":)", k.created);
    out.Put(R"(,"rotate_days":)");
    out.Put(std::to_string(k.rotate_days));
    Quoted(out, R"(,"deadline":)", k.deadline);
    out.Put('}');
  }
  out.Put("]}");
}

// A cursor over the canonical text; every read either matches exactly or
// fails. Strings are views into the caller's secure buffer (no copies).
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}
  bool Literal(std::string_view lit) {
    if (text_.substr(pos_, lit.size()) != lit) return false;
    pos_ += lit.size();
    return true;
  }
  // A JSON string with no escapes and only printable ASCII inside.
  std::optional<std::string_view> String() {
    if (!Literal("\"")) return std::nullopt;
    const std::size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] != '"') {
      const auto c = static_cast<unsigned char>(text_[pos_]);
      if (c < 0x20 || c >= 0x7f || c == '\\') return std::nullopt;
      ++pos_;
    }
    if (pos_ == text_.size()) return std::nullopt;
    return text_.substr(start, pos_++ - start);
  }
  // A canonical decimal 1..9999: no sign, no leading zero.
  std::optional<int> Number() {
    std::size_t n = 0;
    while (pos_ + n < text_.size() && n < 5 && text_[pos_ + n] >= '0' && text_[pos_ + n] <= '9') ++n;
    if (n == 0 || n > 4 || text_[pos_] == '0') return std::nullopt;
    int value = 0;
    for (std::size_t i = 0; i < n; ++i) value = value * 10 + (text_[pos_ + i] - '0');
    pos_ += n;
    return value;
  }
  bool AtEnd() const { return pos_ == text_.size(); }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

Status Malformed(const std::string& where) {
  return Status::Format("bundle content is malformed (" + where + ")",
                        "the bundle was not made by `akvault export`; ask the sender for a new one");
}

Result<BundleKey> DecodeKey(Cursor& in, std::size_t index) {
  const std::string where = "key " + std::to_string(index + 1) + ", field ";
  BundleKey key;
  std::optional<std::string_view> text;
  if (!in.Literal(R"({"akid":)") || !(text = in.String())) return Malformed(where + "akid");
  key.akid = std::string(*text);
  if (!ValidateAccessKeyId(key.akid).ok()) return Malformed(where + "akid");
  if (!in.Literal(R"(,"secret":)") || !(text = in.String()) || !ValidateSecret(*text).ok()) {
    return Malformed(where + "secret");
  }
  key.secret = SecretBuffer::CopyOf(*text);
  if (!in.Literal(R"(,"owner":)") || !(text = in.String())) return Malformed(where + "owner");
  key.owner = std::string(*text);
  if (!ValidateName("owner", key.owner).ok()) return Malformed(where + "owner");
  if (!in.Literal(R"(,"app":)")) return Malformed(where + "app");
  if (!in.Literal("null")) {
    if (!(text = in.String()) || !ValidateName("app", *text).ok()) return Malformed(where + "app");
    key.app = std::string(*text);
  }
  if (!in.Literal(R"(,"created":)") || !(text = in.String())) return Malformed(where + "created");
  key.created = std::string(*text);
  if (!CheckDate("created", key.created).ok()) return Malformed(where + "created");
  std::optional<int> days;
  if (!in.Literal(R"(,"rotate_days":)") || !(days = in.Number()) || !CheckRotateDays(*days).ok()) {
    return Malformed(where + "rotate_days");
  }
  key.rotate_days = *days;
  if (!in.Literal(R"(,"deadline":)") || !(text = in.String())) return Malformed(where + "deadline");
  key.deadline = std::string(*text);
  if (!CheckDate("deadline", key.deadline).ok()) return Malformed(where + "deadline");
  if (!in.Literal("}")) return Malformed(where + "after deadline");
  return key;
}

}  // namespace

Result<SecretBuffer> EncodePayload(const BundlePayload& payload) {
  if (payload.keys.empty()) return Status::Usage("a bundle needs at least one key");
  if (payload.keys.size() > kBundleMaxKeys) {
    return Status::Usage("a bundle holds at most " + std::to_string(kBundleMaxKeys) + " keys",
                         "export them in several bundles");
  }
  std::set<std::string_view> seen;
  for (const BundleKey& key : payload.keys) {
    AKV_RETURN_IF_ERROR(ValidateKey(key));
    if (!seen.insert(key.akid).second) return Status::Usage("AccessKey " + key.akid + " is listed twice");
  }
  return BuildSecretText([&](SecretTextSink& sink) { Emit(payload, sink); });
}

Result<BundlePayload> DecodePayload(const SecretBuffer& json) {
  Cursor in(json.view());
  if (!in.Literal(R"({"v":1,"keys":[)")) return Malformed("it does not start with {\"v\":1,\"keys\":[");
  BundlePayload payload;
  std::set<std::string> seen;
  do {
    if (payload.keys.size() == kBundleMaxKeys)
      return Malformed("more than " + std::to_string(kBundleMaxKeys) + " keys");
    AKV_ASSIGN_OR_RETURN(BundleKey key, DecodeKey(in, payload.keys.size()));
    if (!seen.insert(key.akid).second) return Malformed("an AccessKey ID appears twice");
    payload.keys.push_back(std::move(key));
  } while (in.Literal(","));
  if (!in.Literal("]}") || !in.AtEnd())
    return Malformed("unexpected text after key " + std::to_string(payload.keys.size()));
  return payload;
}

}  // namespace akv
