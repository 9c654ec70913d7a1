#include "vault/scan/id_rules.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>

namespace akv::scan {

double ShannonEntropy(std::string_view text) {
  if (text.empty()) return 0.0;
  std::array<int, 256> counts{};
  for (unsigned char c : text) counts[c]++;
  double bits = 0.0;
  const double n = static_cast<double>(text.size());
  for (int count : counts) {
    if (count == 0) continue;
    const double p = count / n;
    bits -= p * std::log2(p);
  }
  return bits;
}

namespace {

// Words people put in place of a real ID. Matched case-insensitively in the
// body after "LTAI". A random 20-character body contains a given 4-letter
// word, ignoring case, with probability about 17 * (2/62)^4 = 2e-5, so the
// cost in recall of a real key is negligible next to the noise it removes.
constexpr std::array<std::string_view, 12> kPlaceholderWords = {"example", "sample",   "dummy",    "placeholder",
                                                                "your",    "fake",     "xxxx",     "test",
                                                                "demo",    "changeme", "redacted", "mock"};

bool ContainsIgnoringCase(std::string_view text, std::string_view word) {
  if (word.size() > text.size()) return false;
  for (std::size_t i = 0; i + word.size() <= text.size(); ++i) {
    std::size_t j = 0;
    while (j < word.size() &&
           std::tolower(static_cast<unsigned char>(text[i + j])) == static_cast<unsigned char>(word[j])) {
      ++j;
    }
    if (j == word.size()) return true;
  }
  return false;
}

// Longest run of characters each one more than the previous (abcd, 1234) or
// equal to it (aaaa).
std::size_t LongestSequence(std::string_view text) {
  std::size_t best = text.empty() ? 0 : 1;
  std::size_t up = 1;
  std::size_t same = 1;
  for (std::size_t i = 1; i < text.size(); ++i) {
    up = (text[i] == text[i - 1] + 1) ? up + 1 : 1;
    same = (text[i] == text[i - 1]) ? same + 1 : 1;
    best = std::max({best, up, same});
  }
  return best;
}

}  // namespace

bool IsPlaceholderId(std::string_view id) {
  std::string_view body = id.substr(std::min(id.size(), kIdPrefix.size()));
  for (std::string_view word : kPlaceholderWords) {
    if (ContainsIgnoringCase(body, word)) return true;
  }
  // Issued IDs: 24-character IDs had a body entropy of 3.82-4.50 bits per
  // character over the 230 measured (../shared/research/anchors-scan-trail.md
  // A1, detect-secrets), placeholders 0.98-1.46. Of 200,000 random bodies
  // (Python, seed 1) none of 20 characters fell under 3.0 (lowest 3.15) and
  // 4.5e-5 of 12 characters fell under 2.5 (lowest 2.36, most possible
  // log2(12) = 3.58), hence 3.0 and 2.3.
  const double floor = body.size() >= 20 ? 3.0 : 2.3;
  if (ShannonEntropy(body) < floor) return true;
  // Five ascending or equal characters in a row: 62^-4 per position for a
  // random body, about 1e-6 over the whole body.
  return LongestSequence(body) >= 5;
}

}  // namespace akv::scan
