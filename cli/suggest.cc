#include "cli/suggest.h"

#include <algorithm>

namespace akv::cli {

std::size_t EditDistance(std::string_view a, std::string_view b) {
  // Three rows suffice for adjacent transpositions.
  std::vector<std::size_t> prev2(b.size() + 1), prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) cur[j] = std::min(cur[j], prev2[j - 2] + 1);
    }
    prev2.swap(prev);
    prev.swap(cur);
  }
  return prev[b.size()];
}

std::string ClosestName(std::string_view word, const std::vector<std::string>& names) {
  if (word.empty()) return {};
  const std::size_t limit = std::clamp<std::size_t>(word.size() / 3, 1, 3);
  std::string best;
  std::size_t best_distance = limit + 1;
  bool tie = false;
  for (const std::string& name : names) {
    const std::size_t d = EditDistance(word, name);
    if (d < best_distance) {
      best = name;
      best_distance = d;
      tie = false;
    } else if (d == best_distance && name != best) {
      tie = true;
    }
  }
  if (!best.empty() && !tie) return best;
  // No close spelling: an abbreviation of exactly one name.
  std::string prefixed;
  for (const std::string& name : names) {
    if (name.size() > word.size() && name.compare(0, word.size(), word) == 0) {
      if (!prefixed.empty()) return {};
      prefixed = name;
    }
  }
  return prefixed;
}

}  // namespace akv::cli
