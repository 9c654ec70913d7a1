#include "cli/listing_format.h"

#include <optional>

#include "vault/encoding/json_writer.h"

namespace akv::cli {
namespace {

std::optional<std::string> DateText(const std::optional<Date>& d) {
  return d ? std::optional<std::string>(d->ToString()) : std::nullopt;
}

}  // namespace

void AppendKeyJson(std::string& out, const KeyMetadata& m) {
  JsonObjectWriter row(out);
  row.String("akid", m.akid)
      .OptionalString("app", m.app)
      .String("created", m.created.ToString())
      .String("deadline", m.deadline().ToString())
      .OptionalString("due", DateText(m.due_date))
      .Bool("main_account", m.main_account)
      .String("owner", m.owner)
      .OptionalString("predecessor", m.predecessor)
      .Int("rotate_days", m.rotate_days)
      .String("status", KeyStatusName(m.status))
      .OptionalString("status_since", DateText(m.status_since))
      .OptionalString("successor", m.successor);
  row.Close();
}

void AppendDueJson(std::string& out, const DueItem& item) {
  const KeyMetadata& m = item.meta;
  JsonObjectWriter row(out);
  row.String("action", item.action)
      .String("akid", m.akid)
      .OptionalString("app", m.app)
      .Int("days_left", item.days_left)
      .String("due", item.due.ToString())
      .String("kind", DueKindName(item.kind))
      .String("owner", m.owner)
      .String("status", KeyStatusName(m.status));
  row.Close();
}

const char* DueKindName(DueItem::Kind kind) {
  switch (kind) {
    case DueItem::Kind::kRotationOverdue:
      return "rotation-overdue";
    case DueItem::Kind::kRotationDue:
      return "rotation-due";
    case DueItem::Kind::kGraceOver:
      return "grace-over";
    case DueItem::Kind::kGraceEnding:
      return "grace-ending";
  }
  return "rotation-due";
}

}  // namespace akv::cli
