// Security Center's AccessKey leak data, as saved from its API (SAS
// 2018-12-03, ../shared/research/next-capabilities.md C2):
// - DescribeAccesskeyLeakList pages: {"AccessKeyLeakList": [{"AccesskeyId",
//   "Url", "Status" (pending|dealed), "DealType", "GmtModified" (ms),
//   "UserType" (master|ram), "AliUserName", "Id", ...}], "TotalCount", ...};
// - DescribeAccessKeyLeakDetail responses: {"AccesskeyId", "GithubRepoName",
//   "GithubFileName", "GmtModified", "WhitelistStatus", ...};
// - a JSON array of either, or one per line (as `aliyun sas ...` pages are
//   often appended to one file).
// The parser only turns bytes into records; which key is whose is the
// caller's business.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vault/status.h"

namespace akv::scan {

struct LeakRecord {
  std::string akid;
  std::string url;                          // Url, or the GitHub repo and file of a detail
  std::string status;                       // pending | dealed | "" (a detail has none)
  std::string deal_type;                    // pending | manual | disable | add-whitelist | ""
  std::string user_type;                    // master | ram | ""
  std::string user_name;                    // AliUserName
  std::optional<std::int64_t> detected_ms;  // GmtModified
  std::string source;                       // "DescribeAccesskeyLeakList" or "DescribeAccessKeyLeakDetail"
};

// kFormat naming `name` and what is wrong (not JSON, no leak records, a
// record without an AccesskeyId). IDs are checked to be printable ASCII.
Result<std::vector<LeakRecord>> ParseLeakReport(std::string_view text, const std::string& name);

}  // namespace akv::scan
