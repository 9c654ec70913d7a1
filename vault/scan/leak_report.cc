#include "vault/scan/leak_report.h"

#include <nlohmann/json.hpp>

namespace akv::scan {
namespace {

using nlohmann::json;

std::string Field(const json& item, const char* name) {
  auto it = item.find(name);
  if (it == item.end()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<std::int64_t>());
  return "";
}

std::optional<std::int64_t> Millis(const json& item, const char* name) {
  auto it = item.find(name);
  if (it == item.end()) return std::nullopt;
  if (it->is_number_integer()) return it->get<std::int64_t>();
  if (it->is_string()) {
    try {
      return std::stoll(it->get<std::string>());
    } catch (...) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

bool PlausibleId(const std::string& id) {
  if (id.empty() || id.size() > 128) return false;
  for (unsigned char c : id) {
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return true;
}

// One JSON value: a list page, a detail, or an array of them.
Status Collect(const json& value, const std::string& name, std::vector<LeakRecord>& out) {
  if (value.is_array()) {
    for (const json& v : value) AKV_RETURN_IF_ERROR(Collect(v, name, out));
    return Status::Ok();
  }
  if (!value.is_object()) return Status::Ok();
  auto list = value.find("AccessKeyLeakList");
  if (list != value.end() && list->is_array()) {
    for (const json& item : *list) {
      if (!item.is_object()) continue;
      LeakRecord r;
      r.akid = Field(item, "AccesskeyId");
      if (!PlausibleId(r.akid)) {
        return Status::Format(name + ": an AccessKeyLeakList entry has no valid AccesskeyId",
                              "give the DescribeAccesskeyLeakList response as saved, unedited");
      }
      r.url = Field(item, "Url");
      r.status = Field(item, "Status");
      r.deal_type = Field(item, "DealType");
      r.user_type = Field(item, "UserType");
      r.user_name = Field(item, "AliUserName");
      r.detected_ms = Millis(item, "GmtModified");
      r.source = "DescribeAccesskeyLeakList";
      out.push_back(std::move(r));
    }
    return Status::Ok();
  }
  if (value.contains("AccesskeyId") &&
      (value.contains("GithubRepoName") || value.contains("Source") || value.contains("WhitelistStatus"))) {
    LeakRecord r;
    r.akid = Field(value, "AccesskeyId");
    if (!PlausibleId(r.akid)) return Status::Format(name + ": a leak detail has no valid AccesskeyId");
    const std::string repo = Field(value, "GithubRepoName"), file = Field(value, "GithubFileName");
    r.url = repo.empty() ? "" : "github.com/" + repo + (file.empty() ? "" : " " + file);
    r.detected_ms = Millis(value, "GmtModified");
    r.source = "DescribeAccessKeyLeakDetail";
    out.push_back(std::move(r));
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<LeakRecord>> ParseLeakReport(std::string_view text, const std::string& name) {
  std::vector<LeakRecord> out;
  json whole = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (!whole.is_discarded()) {
    AKV_RETURN_IF_ERROR(Collect(whole, name, out));
  } else {
    // One response per line.
    std::size_t line_no = 0, at = 0;
    while (at < text.size()) {
      std::size_t end = text.find('\n', at);
      if (end == std::string_view::npos) end = text.size();
      std::string_view line = text.substr(at, end - at);
      at = end + 1;
      ++line_no;
      if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
      json value = json::parse(line.begin(), line.end(), nullptr, false);
      if (value.is_discarded()) {
        return Status::Format(name + " line " + std::to_string(line_no) + " is not JSON",
                              "save the DescribeAccesskeyLeakList or DescribeAccessKeyLeakDetail response as "
                              "the API returns it (one JSON document, or one per line)");
      }
      AKV_RETURN_IF_ERROR(Collect(value, name, out));
    }
  }
  if (out.empty()) {
    return Status::Format(name + " holds no AccessKeyLeakList entry and no leak detail",
                          "give a saved DescribeAccesskeyLeakList or DescribeAccessKeyLeakDetail response");
  }
  return out;
}

}  // namespace akv::scan
