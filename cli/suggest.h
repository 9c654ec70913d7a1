// "Did you mean ...": the known name closest to a mistyped command or
// option, as git does. Pure functions, tested in tests/unit/cli.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace akv::cli {

// Optimal string alignment distance (Levenshtein plus adjacent swaps).
std::size_t EditDistance(std::string_view a, std::string_view b);

// The name in `names` closest to `word`: within an edit distance of about a
// third of its length (at least 1, at most 3), or the only name `word` is a
// prefix of. Empty when nothing is close or two names tie.
std::string ClosestName(std::string_view word, const std::vector<std::string>& names);

}  // namespace akv::cli
