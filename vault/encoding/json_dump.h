// JSON in and out without ever throwing or recursing on what is inside.
//
// nlohmann's dump() throws type_error 316 on a string that is not valid
// UTF-8 (a file name, a note, an owner read from an attacker's vault), and
// an uncaught exception is SIGABRT. Every JSON akvault prints or stores goes
// through DumpJson instead: compact, and each ill-formed UTF-8 sequence
// replaced by U+FFFD (error_handler_t::replace, the documented replacement,
// also what JsonObjectWriter does), so the output is always valid JSON.
//
// dump() and the code that walks a value recurse once per nesting level, so
// a value nested 200,000 deep (an audit detail from an attacker's vault)
// overflows the stack. ParseJsonBounded refuses anything nested deeper than
// `max_depth` before parsing it.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace akv {

inline std::string DumpJson(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}
// The same for a document whose member order is part of its contract (the
// IMS SetAccessKeyPolicy JSON that `policy --json` prints).
inline std::string DumpJson(const nlohmann::ordered_json& value) {
  return value.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

// The value of `text`, or nullopt when it is not JSON or nests arrays and
// objects more than `max_depth` deep. Never throws.
std::optional<nlohmann::json> ParseJsonBounded(std::string_view text, int max_depth);

}  // namespace akv
