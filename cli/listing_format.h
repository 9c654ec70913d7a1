// The rows of the two big listings, `list` and `due`, written straight into
// a reused buffer: those commands stream up to 100,000 rows, and an
// nlohmann::json object (or a temporary string per padded field) per row was
// most of their cost.
//
// The bytes are the ones the CLI contract fixes (../shared/spec/cli.md): the
// JSON objects equal KeyJson(meta).dump() (cli/commands/common.h) and the
// nlohmann object `due` used to build, fields in alphabetical order as that
// sorted object printed them; tests/unit/cli/listing_format_test.cc holds
// them equal.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "vault/encoding/display_text.h"
#include "vault/key_record.h"
#include "vault/rotation/policy.h"

namespace akv::cli {

// A key's metadata as one JSON object (`list --json`, and the same fields
// as `show --json` and `add --json` print). Never a secret.
void AppendKeyJson(std::string& out, const KeyMetadata& meta);

// One `due --json` element: action, akid, app, days_left, due, kind, owner,
// status.
void AppendDueJson(std::string& out, const DueItem& item);
// The stable `kind` names of `due --json`.
const char* DueKindName(DueItem::Kind kind);

// `text` followed by spaces up to `width`, at least one: the layout of
// PadRight (cli/commands/common.h), so the tables keep their columns. The
// cells come from the vault file: control characters are shown escaped
// (DisplayText), so a row is one line and no escape reaches the terminal.
inline void AppendPadded(std::string& line, std::string_view text, std::size_t width) {
  if (!IsDisplaySafe(text)) {
    const std::string shown = DisplayText(text);
    AppendPadded(line, shown, width);
    return;
  }
  line.append(text);
  line.append(text.size() + 1 < width ? width - text.size() : 1, ' ');
}

}  // namespace akv::cli
