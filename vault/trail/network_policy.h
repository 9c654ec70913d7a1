// A key's network policy: from where it may be used, the RAM AccessKey
// network access restriction (IMS SetAccessKeyPolicy) as akvault records
// it. Entries, as `akvault policy --allow` takes them:
//   IP or CIDR         calls over the internet from these public addresses
//                      (the policy's ClassicWhiteList)
//   vpc-ID             calls through a VPC endpoint of that VPC, from any
//                      private address in it (a VPCWhiteList for vpc-ID)
//   vpc-ID:CIDR        calls through that VPC from these private addresses
// The stored form is canonical (sorted, deduplicated, addresses in
// canonical text) so that one policy has one MAC.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vault/status.h"
#include "vault/trail/ip.h"

namespace akv::trail {

// IMS allows at most this many statements per AccessKey.
inline constexpr std::size_t kMaxPolicyStatements = 8;

struct VpcRule {
  std::string vpc_id;
  std::vector<Cidr> cidrs;  // empty: any address in the VPC
  bool whole = false;       // while adding: the bare vpc-ID was given (wins over CIDRs)
  bool operator==(const VpcRule&) const = default;
};

struct NetworkPolicy {
  std::vector<Cidr> internet;  // ClassicWhiteList
  std::vector<VpcRule> vpcs;   // one VPCWhiteList each, sorted by id

  bool empty() const { return internet.empty() && vpcs.empty(); }
  // A call through `vpc_id` (empty: over the internet) from `ip`.
  bool Allows(std::string_view vpc_id, const IpAddress& ip) const;
  // The entries in canonical order, as `--allow` would take them back.
  std::vector<std::string> Entries() const;
  // The stored form: a JSON array of Entries().
  std::string Canonical() const;
  // The AccessKeyPolicy document for IMS SetAccessKeyPolicy (compact JSON).
  // An empty policy is the documented "no policy" {"Version":1,"Status":
  // "Inactive","Statements":[]}.
  std::string ImsJson() const;
};

// Adds one --allow entry. kUsage naming the entry and the accepted forms.
Status AddPolicyEntry(NetworkPolicy& policy, std::string_view entry);
// Sorts and deduplicates; kUsage when more than kMaxPolicyStatements
// statements would result.
Status Normalize(NetworkPolicy& policy);
// Parses the stored form. kTampered for anything akvault would not write.
Result<NetworkPolicy> ParseStoredPolicy(std::string_view text, const std::string& akid);

// "vpc-" followed by [a-z0-9]: the shape of a VPC id.
bool IsVpcId(std::string_view text);

}  // namespace akv::trail
