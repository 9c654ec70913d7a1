// The three shapes of a trail report: text for a terminal, JSON for
// scripts, and one self-contained HTML page (no external resource: styles
// inline, the per-key timelines as inline SVG). Every string that came from
// an input file is escaped for its output (control bytes in text, invalid
// UTF-8 replaced in JSON, HTML-escaped in HTML), so an event cannot inject
// terminal sequences, break the JSON or script the page.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>

#include "vault/trail/analysis.h"
#include "vault/trail/event_reader.h"

namespace akv::trail {

struct InputSummary {
  std::int64_t files = 0;
  std::int64_t bytes = 0;
  RecordCounts records;
  std::int64_t oversized = 0;
  std::map<std::string, std::int64_t> layouts;  // layout name -> files
};

struct ReportContext {
  const Aggregator* agg = nullptr;
  const Report* report = nullptr;
  const InputSummary* input = nullptr;
  std::optional<std::string> since, until;  // as given (YYYY-MM-DD)
  std::size_t inventory_addresses = 0;
  bool vault_verified = false;  // records and policies verified (unlocked)
};

// "abc\x1b[31m" -> "abc\x1b[31m" with the escape byte shown as \x1b.
std::string Printable(std::string_view text);
std::string HtmlEscape(std::string_view text);

void WriteText(std::ostream& out, const ReportContext& ctx);
void WriteJson(std::ostream& out, const ReportContext& ctx);
void WriteHtml(std::ostream& out, const ReportContext& ctx);

}  // namespace akv::trail
