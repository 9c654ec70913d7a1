#include "vault/trail/network_policy.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "vault/encoding/json_dump.h"

namespace akv::trail {
namespace {

bool CidrLess(const Cidr& a, const Cidr& b) {
  if (a.base.v6 != b.base.v6) return !a.base.v6;
  if (a.base.bytes != b.base.bytes) return a.base.bytes < b.base.bytes;
  return a.prefix < b.prefix;
}

void SortCidrs(std::vector<Cidr>& cidrs) {
  std::sort(cidrs.begin(), cidrs.end(), CidrLess);
  cidrs.erase(std::unique(cidrs.begin(), cidrs.end()), cidrs.end());
}

bool AnyContains(const std::vector<Cidr>& cidrs, const IpAddress& ip) {
  return std::any_of(cidrs.begin(), cidrs.end(), [&](const Cidr& c) { return c.Contains(ip); });
}

}  // namespace

bool IsVpcId(std::string_view text) {
  if (text.size() < 5 || text.size() > 64 || text.substr(0, 4) != "vpc-") return false;
  return std::all_of(text.begin() + 4, text.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); });
}

bool NetworkPolicy::Allows(std::string_view vpc_id, const IpAddress& ip) const {
  if (vpc_id.empty()) return AnyContains(internet, ip);
  for (const VpcRule& rule : vpcs) {
    if (rule.vpc_id == vpc_id) return rule.cidrs.empty() || AnyContains(rule.cidrs, ip);
  }
  return false;
}

std::vector<std::string> NetworkPolicy::Entries() const {
  std::vector<std::string> out;
  for (const Cidr& c : internet) out.push_back(c.ToString());
  for (const VpcRule& rule : vpcs) {
    if (rule.cidrs.empty()) out.push_back(rule.vpc_id);
    for (const Cidr& c : rule.cidrs) out.push_back(rule.vpc_id + ":" + c.ToString());
  }
  return out;
}

std::string NetworkPolicy::Canonical() const { return DumpJson(nlohmann::json(Entries())); }

std::string NetworkPolicy::ImsJson() const {
  nlohmann::ordered_json doc;
  doc["Version"] = 1;
  doc["Status"] = empty() ? "Inactive" : "Active";
  doc["Statements"] = nlohmann::ordered_json::array();
  if (!internet.empty()) {
    nlohmann::ordered_json s;
    s["Type"] = "ClassicWhiteList";
    s["Value"] = "";
    s["IPList"] = nlohmann::ordered_json::array();
    for (const Cidr& c : internet) s["IPList"].push_back(c.ToString());
    doc["Statements"].push_back(s);
  }
  for (const VpcRule& rule : vpcs) {
    nlohmann::ordered_json s;
    s["Type"] = "VPCWhiteList";
    s["Value"] = rule.vpc_id;
    s["IPList"] = nlohmann::ordered_json::array();
    if (rule.cidrs.empty()) {
      s["IPList"].push_back("0.0.0.0/0");
      s["IPList"].push_back("::/0");
    }
    for (const Cidr& c : rule.cidrs) s["IPList"].push_back(c.ToString());
    doc["Statements"].push_back(s);
  }
  return DumpJson(doc);
}

Status AddPolicyEntry(NetworkPolicy& policy, std::string_view entry) {
  const std::string shown(entry.substr(0, 80));
  const std::string forms = "give an IP (203.0.113.10), a CIDR (203.0.113.0/28), a VPC id (vpc-...) or vpc-ID:CIDR";
  if (entry.substr(0, 4) == "vpc-") {
    const std::size_t colon = entry.find(':');
    const std::string_view vpc = entry.substr(0, colon);
    if (!IsVpcId(vpc)) return Status::Usage("--allow " + shown + ": not a VPC id", forms);
    auto it = std::find_if(policy.vpcs.begin(), policy.vpcs.end(), [&](const VpcRule& r) { return r.vpc_id == vpc; });
    if (it == policy.vpcs.end()) {
      policy.vpcs.push_back({std::string(vpc), {}, false});
      it = policy.vpcs.end() - 1;
    }
    if (colon == std::string_view::npos) {
      it->whole = true;
      return Status::Ok();
    }
    auto cidr = ParseCidr(entry.substr(colon + 1));
    if (!cidr) return Status::Usage("--allow " + shown + ": not an IP or CIDR after the VPC id", forms);
    it->cidrs.push_back(*cidr);
    return Status::Ok();
  }
  auto cidr = ParseCidr(entry);
  if (!cidr) return Status::Usage("--allow " + shown + ": not an IP, CIDR or VPC id", forms);
  policy.internet.push_back(*cidr);
  return Status::Ok();
}

Status Normalize(NetworkPolicy& policy) {
  SortCidrs(policy.internet);
  std::sort(policy.vpcs.begin(), policy.vpcs.end(),
            [](const VpcRule& a, const VpcRule& b) { return a.vpc_id < b.vpc_id; });
  for (VpcRule& rule : policy.vpcs) {
    if (rule.whole) rule.cidrs.clear();
    rule.whole = false;
    SortCidrs(rule.cidrs);
  }
  const std::size_t statements = (policy.internet.empty() ? 0 : 1) + policy.vpcs.size();
  if (statements > kMaxPolicyStatements) {
    return Status::Usage("a network policy holds at most " + std::to_string(kMaxPolicyStatements) +
                             " statements (one for internet addresses, one per VPC); this one needs " +
                             std::to_string(statements),
                         "allow fewer VPCs");
  }
  return Status::Ok();
}

Result<NetworkPolicy> ParseStoredPolicy(std::string_view text, const std::string& akid) {
  const Status bad = Status::Tampered("the network policy of " + akid + " is malformed", "run `akvault check`");
  auto doc = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (!doc.is_array()) return bad;
  NetworkPolicy policy;
  for (const auto& entry : doc) {
    if (!entry.is_string()) return bad;
    if (!AddPolicyEntry(policy, entry.get<std::string>()).ok()) return bad;
  }
  if (!Normalize(policy).ok() || policy.Canonical() != text) return bad;
  return policy;
}

}  // namespace akv::trail
