#include "vault/trail/report_output.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <vector>

namespace akv::trail {
namespace {

using ojson = nlohmann::ordered_json;

std::vector<std::pair<std::string, std::int64_t>> Top(const std::map<std::string, std::int64_t>& counts,
                                                      std::size_t n) {
  std::vector<std::pair<std::string, std::int64_t>> v(counts.begin(), counts.end());
  std::stable_sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  if (v.size() > n) v.resize(n);
  return v;
}

std::string OwnerText(const KeyReport& k) {
  if (!k.vault) return "not in the vault";
  const KeyMetadata& m = k.vault->meta;
  return "owner " + m.owner + (m.app ? ", app " + *m.app : std::string(", personal key")) + ", " +
         std::string(KeyStatusName(m.status));
}

std::string DayText(std::int64_t day) { return FormatEventTime(day * 86400).substr(0, 10); }

std::string Dump(const ojson& j, int indent = 2) { return j.dump(indent, ' ', false, ojson::error_handler_t::replace); }

ojson SourceJson(const SourceRow& s) {
  ojson j;
  j["vpc_id"] = s.vpc_id.empty() ? ojson(nullptr) : ojson(s.vpc_id);
  j["ip"] = s.ip;
  j["calls"] = s.calls;
  j["own"] = s.own;
  j["owner_id"] = s.owner_id.empty() ? ojson(nullptr) : ojson(s.owner_id);
  j["owner_detail"] = s.owner_detail.empty() ? ojson(nullptr) : ojson(s.owner_detail);
  j["instance_id"] = s.instance_id.empty() ? ojson(nullptr) : ojson(s.instance_id);
  j["allowed_by_policy"] = s.allowed ? ojson(*s.allowed) : ojson(nullptr);
  return j;
}

ojson CountsJson(const std::vector<std::pair<std::string, std::int64_t>>& v) {
  ojson a = ojson::array();
  for (const auto& [name, calls] : v) a.push_back({{"name", name}, {"calls", calls}});
  return a;
}

ojson FindingJson(const TrailFinding& f) {
  ojson j;
  j["severity"] = std::string(SeverityName(f.severity));
  j["rule"] = f.rule;
  j["akid"] = f.akid;
  j["in_vault"] = f.in_vault;
  j["owner"] = f.in_vault ? ojson(f.owner) : ojson(nullptr);
  j["app"] = f.app ? ojson(*f.app) : ojson(nullptr);
  j["message"] = f.message;
  j["fix"] = f.fix;
  return j;
}

ojson ReportJson(const ReportContext& ctx) {
  const Aggregator& agg = *ctx.agg;
  const InputSummary& in = *ctx.input;
  ojson doc;
  doc["period"] = {{"since", ctx.since ? ojson(*ctx.since) : ojson(nullptr)},
                   {"until", ctx.until ? ojson(*ctx.until) : ojson(nullptr)},
                   {"first_event", agg.first() ? ojson(FormatEventTime(*agg.first())) : ojson(nullptr)},
                   {"last_event", agg.last() ? ojson(FormatEventTime(*agg.last())) : ojson(nullptr)}};
  ojson layouts = ojson::object();
  for (const auto& [name, n] : in.layouts) layouts[name] = n;
  doc["input"] = {{"files", in.files},
                  {"bytes", in.bytes},
                  {"layouts", layouts},
                  {"events", in.records.events},
                  {"skipped_malformed", in.records.malformed},
                  {"skipped_oversized", in.oversized},
                  {"not_events", in.records.not_event},
                  {"bad_event_time", agg.bad_time()},
                  {"outside_period", agg.outside_window()}};
  doc["calls_without_accesskey"] = agg.without_key();
  doc["main_account_console_events"] = agg.root_without_key();
  ojson roles = ojson::object();
  for (const auto& [role, n] : agg.sts_roles()) roles[role] = n;
  doc["sts"] = {{"calls", agg.sts_calls()}, {"roles", roles}};
  doc["inventory_addresses"] = ctx.inventory_addresses;
  doc["vault_verified"] = ctx.vault_verified;
  ojson keys = ojson::array();
  for (const KeyReport& k : ctx.report->keys) {
    const KeyStats& s = *k.stats;
    ojson j;
    j["akid"] = s.akid;
    j["in_vault"] = k.vault != nullptr;
    j["owner"] = k.vault ? ojson(k.vault->meta.owner) : ojson(nullptr);
    j["app"] = k.vault && k.vault->meta.app ? ojson(*k.vault->meta.app) : ojson(nullptr);
    j["status"] = k.vault ? ojson(std::string(KeyStatusName(k.vault->meta.status))) : ojson(nullptr);
    j["identity_type"] = s.identity_type;
    j["user_name"] = s.user_name;
    j["calls"] = s.calls;
    j["first_call"] = FormatEventTime(s.first);
    j["last_call"] = FormatEventTime(s.last);
    j["vpc_calls"] = s.vpc_calls;
    j["internet_calls"] = s.internet_calls;
    j["error_calls"] = s.error_calls;
    j["errors"] = CountsJson(Top(s.errors, 1000));
    j["vpc_ids"] = k.vpc_ids;
    j["instances"] = k.instances;
    ojson sources = ojson::array();
    for (const SourceRow& r : k.sources) sources.push_back(SourceJson(r));
    j["sources"] = sources;
    j["top_services"] = CountsJson(Top(s.services, 10));
    j["top_actions"] = CountsJson(Top(s.actions, 10));
    j["network_policy"] = k.vault && k.vault->policy ? ojson(k.vault->policy->Entries()) : ojson(nullptr);
    j["calls_outside_policy"] = k.outside_policy;
    j["internet_calls_not_own"] = k.internet_not_own;
    ojson days = ojson::object();
    for (const auto& [day, n] : s.per_day) days[DayText(day)] = n;
    j["calls_per_day"] = days;
    keys.push_back(j);
  }
  doc["keys"] = keys;
  ojson unused = ojson::array();
  for (const VaultKey* v : ctx.report->unused) unused.push_back(v->meta.akid);
  doc["unused_keys"] = unused;
  ojson findings = ojson::array();
  for (const TrailFinding& f : ctx.report->findings) findings.push_back(FindingJson(f));
  doc["findings"] = findings;
  return doc;
}

}  // namespace

std::string Printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += "&#xfffd;";
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

void WriteJson(std::ostream& out, const ReportContext& ctx) { out << Dump(ReportJson(ctx)) << '\n'; }

void WriteText(std::ostream& out, const ReportContext& ctx) {
  const Aggregator& agg = *ctx.agg;
  const InputSummary& in = *ctx.input;
  out << "Read " << in.records.events << " event(s) from " << in.files << " file(s)";
  if (agg.first()) out << ", " << FormatEventTime(*agg.first()) << " to " << FormatEventTime(*agg.last());
  out << ".\n";
  if (in.records.malformed || in.oversized || agg.bad_time()) {
    out << "Skipped: " << in.records.malformed << " malformed record(s), " << in.oversized << " record(s) over 16 MB, "
        << agg.bad_time() << " event(s) without a valid eventTime.\n";
  }
  if (agg.outside_window()) out << agg.outside_window() << " event(s) outside --since/--until.\n";
  out << "Without an AccessKey (console): " << agg.without_key() << " (main account: " << agg.root_without_key()
      << "). STS (temporary credentials): " << agg.sts_calls();
  if (!agg.sts_roles().empty()) {
    out << " by role";
    bool first = true;
    for (const auto& [role, n] : agg.sts_roles()) {
      out << (first ? " " : ", ") << Printable(role) << " " << n;
      first = false;
    }
  }
  out << ".\n";
  for (const KeyReport& k : ctx.report->keys) {
    const KeyStats& s = *k.stats;
    out << "\n" << Printable(s.akid) << "  (" << Printable(OwnerText(k)) << ")\n";
    out << "  calls " << s.calls << ", first " << FormatEventTime(s.first) << ", last " << FormatEventTime(s.last)
        << "; VPC " << s.vpc_calls << ", internet " << s.internet_calls << ", errors " << s.error_calls << "\n";
    for (const SourceRow& r : k.sources) {
      out << "  " << (r.vpc_id.empty() ? "internet " : "vpc      ") << Printable(r.ip);
      if (!r.vpc_id.empty()) out << " in " << Printable(r.vpc_id);
      out << ": " << r.calls;
      if (r.own)
        out << " [own: " << Printable(r.owner_id) << (r.owner_detail.empty() ? "" : " " + Printable(r.owner_detail))
            << "]";
      if (r.allowed) out << (*r.allowed ? " [policy: allowed]" : " [policy: OUTSIDE]");
      out << "\n";
    }
    if (!s.errors.empty()) {
      out << "  errors:";
      for (const auto& [code, n] : Top(s.errors, 5)) out << " " << Printable(code) << " " << n;
      out << "\n";
    }
    out << "  top services:";
    for (const auto& [name, n] : Top(s.services, 5)) out << " " << Printable(name) << " " << n;
    out << "\n  top actions:";
    for (const auto& [name, n] : Top(s.actions, 5)) out << " " << Printable(name) << " " << n;
    out << "\n";
  }
  out << "\n";
  for (const TrailFinding& f : ctx.report->findings) {
    out << SeverityName(f.severity) << ": [" << f.rule << "] " << Printable(f.akid) << " (";
    if (f.in_vault) {
      out << "owner " << f.owner << (f.app ? ", app " + *f.app : std::string());
    } else {
      out << "not in the vault";
    }
    out << "): " << Printable(f.message) << "\n    fix: " << Printable(f.fix) << "\n";
  }
  out << ctx.report->findings.size() << " finding(s)"
      << (ctx.vault_verified ? ", vault records and policies verified" : " (vault metadata not verified: --verify)")
      << ".\n";
}

void WriteHtml(std::ostream& out, const ReportContext& ctx) {
  const Aggregator& agg = *ctx.agg;
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
         "<title>akvault trail report</title><style>"
         "body{font:14px/1.4 sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:.5em 0}"
         "td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}"
         ".error{color:#a00;font-weight:bold}.warning{color:#a60}.info{color:#555}"
         "section{border-top:1px solid #ddd;margin-top:1.5em}code{font-family:monospace}"
         "svg rect{fill:#4a7}</style></head><body>\n";
  out << "<h1>akvault trail report</h1>\n<p>" << ctx.input->records.events << " events from " << ctx.input->files
      << " file(s)";
  if (agg.first()) out << ", " << FormatEventTime(*agg.first()) << " to " << FormatEventTime(*agg.last());
  out << ". Console events without an AccessKey: " << agg.without_key() << "; STS calls: " << agg.sts_calls()
      << ".</p>\n<h2>Findings (" << ctx.report->findings.size() << ")</h2>\n"
      << "<table><tr><th>severity</th><th>rule</th><th>key</th><th>owner / app</th><th>finding</th><th>fix</th></tr>\n";
  for (const TrailFinding& f : ctx.report->findings) {
    const std::string sev(SeverityName(f.severity));
    out << "<tr><td class=\"" << sev << "\">" << sev << "</td><td>" << HtmlEscape(f.rule) << "</td><td><code>"
        << HtmlEscape(f.akid) << "</code></td><td>"
        << HtmlEscape(f.in_vault ? f.owner + (f.app ? " / " + *f.app : std::string()) : "not in the vault")
        << "</td><td>" << HtmlEscape(f.message) << "</td><td>" << HtmlEscape(f.fix) << "</td></tr>\n";
  }
  out << "</table>\n<h2>Keys</h2>\n";
  for (const KeyReport& k : ctx.report->keys) {
    const KeyStats& s = *k.stats;
    out << "<section><h3><code>" << HtmlEscape(s.akid) << "</code> " << HtmlEscape(OwnerText(k)) << "</h3>\n<p>"
        << s.calls << " calls, " << FormatEventTime(s.first) << " to " << FormatEventTime(s.last) << "; VPC "
        << s.vpc_calls << ", internet " << s.internet_calls << ", errors " << s.error_calls << "</p>\n";
    // The timeline: one bar per day with calls, scaled to the busiest day.
    std::int64_t peak = 1;
    for (const auto& [day, n] : s.per_day) peak = std::max(peak, n);
    const std::size_t bars = s.per_day.size();
    out << "<svg role=\"img\" width=\"" << std::max<std::size_t>(bars * 12, 12) << "\" height=\"64\">";
    std::size_t i = 0;
    for (const auto& [day, n] : s.per_day) {
      const long h = std::max<long>(1, static_cast<long>(60 * n / peak));
      out << "<rect x=\"" << i * 12 << "\" y=\"" << 62 - h << "\" width=\"10\" height=\"" << h << "\"><title>"
          << DayText(day) << ": " << n << " calls</title></rect>";
      ++i;
    }
    out << "</svg>\n";
    if (!s.per_day.empty()) {
      out << "<p>" << DayText(s.per_day.begin()->first) << " &hellip; " << DayText(s.per_day.rbegin()->first)
          << "</p>\n";
    }
    out << "<table><tr><th>network</th><th>source</th><th>calls</th><th>account's own</th><th>policy</th></tr>\n";
    for (const SourceRow& r : k.sources) {
      out << "<tr><td>" << (r.vpc_id.empty() ? std::string("internet") : HtmlEscape(r.vpc_id)) << "</td><td>"
          << HtmlEscape(r.ip) << "</td><td>" << r.calls << "</td><td>"
          << (r.own ? HtmlEscape(r.owner_id + " " + r.owner_detail) : std::string("no")) << "</td><td>"
          << (r.allowed ? (*r.allowed ? "allowed" : "<span class=\"error\">outside</span>") : "-") << "</td></tr>\n";
    }
    out << "</table>\n<p>Top actions:";
    for (const auto& [name, n] : Top(s.actions, 10)) out << " " << HtmlEscape(name) << "&nbsp;" << n;
    out << "</p></section>\n";
  }
  out << "</body></html>\n";
}

}  // namespace akv::trail
