#include "vault/scan/matcher.h"

#include "vault/scan/id_rules.h"

namespace akv::scan {

Matcher::Matcher(const ScanIndex& index) {
  if (index.key.empty()) return;
  hasher_.emplace(index.key);
  for (const FingerprintRow& row : index.rows) {
    ids_.Add(row.id_fp, row.akid);
    if (!IsAllZero(row.secret_fp)) secrets_.Add(row.secret_fp, row.akid);
  }
}

std::string MaskSecret(std::string_view secret) {
  std::string masked(secret.substr(0, 3));
  masked.append(secret.size() > 3 ? secret.size() - 3 : 0, '*');
  return masked;
}

std::optional<Hit> Matcher::Classify(const Candidate& candidate) const {
  if (candidate.kind == CandidateKind::kAccessKeyId) {
    Hit hit;
    hit.akid = std::string(candidate.text);
    hit.masked = hit.akid;
    if (hasher_ && !ids_.empty() && ids_.Find(IdFingerprint(*hasher_, candidate.text)) != nullptr) {
      hit.in_vault = true;
      return hit;
    }
    if (IsPlaceholderId(candidate.text)) return std::nullopt;
    return hit;
  }
  if (!hasher_ || secrets_.empty()) return std::nullopt;
  const std::string* akid = secrets_.Find(SecretFingerprint(*hasher_, AsBytes(candidate.text)));
  if (akid == nullptr) return std::nullopt;
  Hit hit;
  hit.what = Matched::kSecret;
  hit.akid = *akid;
  hit.masked = MaskSecret(candidate.text);
  hit.in_vault = true;
  return hit;
}

}  // namespace akv::scan
