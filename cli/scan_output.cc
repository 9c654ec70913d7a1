#include "cli/scan_output.h"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <ostream>

#include "vault/bundle/utc_text.h"

namespace akv::cli {
namespace {

using nlohmann::ordered_json;

std::string What(const scan::Finding& f) {
  if (f.leak) return "reported leaked by Security Center";
  return f.hit.what == scan::Matched::kSecret ? "the secret of " + f.hit.akid + " (" + f.hit.masked + ")"
                                              : "AccessKey ID " + f.hit.akid;
}

std::string Where(const scan::Finding& f) {
  const scan::Location& w = f.hit.where;
  std::string where;
  if (!w.commit.empty()) where += w.commit.substr(0, 12) + ":";
  where += PrintablePath(w.path);
  if (w.line > 0) where += ":" + std::to_string(w.line) + ":" + std::to_string(w.column);
  return where;
}

std::string Day(std::int64_t unix_seconds) {
  std::string text = FormatUtcIso(unix_seconds);
  return text.substr(0, 10);
}

ordered_json FindingJson(const scan::Finding& f) {
  ordered_json j;
  j["kind"] = f.kind;
  j["level"] = f.level;
  j["matched"] = f.leak ? "leak-report" : f.hit.what == scan::Matched::kSecret ? "secret" : "id";
  j["access_key_id"] = f.hit.akid;
  if (f.hit.what == scan::Matched::kSecret) j["secret_masked"] = f.hit.masked;
  j["path"] = f.hit.where.path;
  if (!f.hit.where.commit.empty()) j["commit"] = f.hit.where.commit;
  if (f.hit.where.line > 0) {
    j["line"] = f.hit.where.line;
    j["column"] = f.hit.where.column;
  }
  if (f.key) {
    ordered_json key;
    key["owner"] = f.key->owner;
    key["app"] = f.key->app ? ordered_json(*f.key->app) : ordered_json(nullptr);
    key["status"] = f.key->status;
    if (f.key->successor) key["successor"] = *f.key->successor;
    key["main_account"] = f.key->main_account;
    ordered_json bundles = ordered_json::array();
    for (const scan::BundleFact& b : f.key->bundles) {
      bundles.push_back({{"bundle_id", b.bundle_id},
                         {"created", FormatUtcIso(b.created_at)},
                         {"destination", b.destination},
                         {"mode", b.mode}});
    }
    key["bundles"] = bundles;
    j["vault"] = key;
  } else {
    j["vault"] = nullptr;
  }
  if (f.leak) {
    j["security_center"] = {{"source", f.leak->source},       {"url", f.leak->url},
                            {"status", f.leak->status},       {"deal_type", f.leak->deal_type},
                            {"user_type", f.leak->user_type}, {"ali_user_name", f.leak->user_name}};
    if (f.leak->detected_ms) j["security_center"]["detected"] = FormatUtcIso(*f.leak->detected_ms / 1000);
  }
  j["next_step"] = f.next_step;
  return j;
}

std::string Dump(const ordered_json& j) {
  // Invalid UTF-8 in a path becomes U+FFFD instead of an exception.
  return j.dump(2, ' ', false, ordered_json::error_handler_t::replace);
}

}  // namespace

std::string PrintablePath(const std::string& path) {
  std::string out;
  out.reserve(path.size());
  for (unsigned char c : path) {
    if (c < 0x20 || c == 0x7f || c == '\\') {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

void WriteScanHuman(std::ostream& out, const std::vector<scan::Finding>& findings, const ScanTotals& totals) {
  for (const scan::Finding& f : findings) {
    out << Where(f) << "  " << f.kind << " (" << f.level << ")  " << What(f) << "\n";
    if (f.key) {
      out << "    owner " << f.key->owner << ", " << (f.key->app ? "app " + *f.key->app : "no app (personal key)")
          << ", " << f.key->status << (f.key->main_account ? ", main account" : "") << "\n";
      if (f.key->bundles.empty()) {
        out << "    carried by no bundle\n";
      } else {
        for (const scan::BundleFact& b : f.key->bundles) {
          out << "    carried by bundle " << b.bundle_id << " (" << Day(b.created_at) << ", " << b.mode << ", "
              << PrintablePath(b.destination) << ")\n";
        }
      }
    } else {
      out << "    not in the vault\n";
    }
    if (f.leak) {
      out << "    Security Center: status " << (f.leak->status.empty() ? "-" : f.leak->status) << ", user type "
          << (f.leak->user_type.empty() ? "-" : f.leak->user_type)
          << (f.leak->detected_ms ? ", first detected " + Day(*f.leak->detected_ms / 1000) : std::string()) << "\n";
    }
    out << "    next: " << f.next_step << "\n";
  }
  out << findings.size() << (findings.size() == 1 ? " finding" : " findings") << " in " << totals.files << " "
      << totals.what;
  if (totals.bytes > 0) {
    char mb[32];
    std::snprintf(mb, sizeof mb, "%.1f", static_cast<double>(totals.bytes) / 1e6);
    out << " (" << mb << " MB)";
  }
  out << "\n";
}

void WriteScanJson(std::ostream& out, const std::vector<scan::Finding>& findings) {
  ordered_json all = ordered_json::array();
  for (const scan::Finding& f : findings) all.push_back(FindingJson(f));
  out << Dump(all) << "\n";
}

void WriteScanSarif(std::ostream& out, const std::vector<scan::Finding>& findings) {
  auto rule = [](const char* id, const char* name, const char* text, const char* level) {
    return ordered_json{{"id", id},
                        {"name", name},
                        {"shortDescription", {{"text", text}}},
                        {"defaultConfiguration", {{"level", level}}}};
  };
  ordered_json rules = ordered_json::array(
      {rule(scan::kKindVaultKey, "VaultKey", "An AccessKey held in the akvault vault (its ID or its secret)", "error"),
       rule(scan::kKindUnknownKey, "UnknownKey", "An Alibaba Cloud AccessKey ID the vault does not hold", "error"),
       rule(scan::kKindRetiredKey, "RetiredKey", "An AccessKey the vault has superseded or retired", "warning")});
  ordered_json results = ordered_json::array();
  for (const scan::Finding& f : findings) {
    ordered_json result;
    result["ruleId"] = f.kind;
    result["level"] = f.level == "warning" ? "warning" : "error";
    std::string text = What(f) + ": " + f.next_step;
    if (f.key) text += " (owner " + f.key->owner + (f.key->app ? ", app " + *f.key->app : "") + ")";
    result["message"] = {{"text", text}};
    ordered_json physical;
    physical["artifactLocation"] = {{"uri", f.hit.where.path}};
    if (f.hit.where.line > 0) {
      physical["region"] = {{"startLine", f.hit.where.line}, {"startColumn", f.hit.where.column}};
    }
    result["locations"] = ordered_json::array({{{"physicalLocation", physical}}});
    // Stable across runs and never derived from a secret: the ID, the path, the kind.
    result["partialFingerprints"] = {{"akvault/v1", f.kind + ":" + f.hit.akid + ":" + f.hit.where.path}};
    ordered_json props = {{"accessKeyId", f.hit.akid}, {"akvaultLevel", f.level}};
    if (!f.hit.where.commit.empty()) props["commit"] = f.hit.where.commit;
    if (f.hit.what == scan::Matched::kSecret) props["secretMasked"] = f.hit.masked;
    result["properties"] = props;
    results.push_back(result);
  }
  ordered_json sarif = {
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs",
       ordered_json::array({{{"tool", {{"driver", {{"name", "akvault"}, {"version", "0.1.0"}, {"rules", rules}}}}},
                             {"columnKind", "unicodeCodePoints"},
                             {"results", results}}})}};
  out << Dump(sarif) << "\n";
}

}  // namespace akv::cli
