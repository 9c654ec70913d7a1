// The account's own addresses, from saved API responses (`--instances`):
//   ECS DescribeInstances   Instances.Instance[]: VpcAttributes.VpcId with
//                           VpcAttributes.PrivateIpAddress.IpAddress[] (and
//                           the ENIs' PrimaryIpAddress), PublicIpAddress.
//                           IpAddress[], EipAddress.IpAddress,
//                           InnerIpAddress.IpAddress[] (classic network)
//   VPC DescribeEipAddresses        EipAddresses.EipAddress[]: IpAddress,
//                                   InstanceId, InstanceType
//   VPC DescribeSnatTableEntries    SnatTableEntries.SnatTableEntry[]:
//                                   SnatIp (comma-separated), SourceCIDR,
//                                   SourceVSwitchId
// A file holds one response, a JSON array of responses (pages), or one
// response per line; any of them gzip-compressed. Responses of other APIs
// are refused (kFormat), so a mixed-up file is noticed.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>

#include "vault/status.h"
#include "vault/trail/input.h"

namespace akv::trail {

struct AddressOwner {
  enum class Kind { kInstance, kEip, kNat };
  Kind kind = Kind::kInstance;
  std::string id;      // i-..., eip-..., or the SNAT entry id
  std::string detail;  // instance name, "EIP bound to Nat ngw-...", "SNAT for vsw-... (10.0.0.0/24)"
  // The instance behind the address when there is exactly one.
  std::string instance_id;
};

class Inventory {
 public:
  // kFormat naming `name` for JSON that is none of the three responses.
  Status Load(ByteSource& source, const std::string& name);

  // The instance with private `ip` in `vpc_id`.
  const AddressOwner* Private(const std::string& vpc_id, const std::string& ip) const;
  // Who holds public `ip` in this account (instance public IP, EIP, SNAT).
  const AddressOwner* Public(const std::string& ip) const;

  std::size_t instances() const { return instances_; }
  std::size_t addresses() const { return private_.size() + public_.size(); }

 private:
  Status LoadResponse(const void* json_value, const std::string& name);
  std::map<std::pair<std::string, std::string>, AddressOwner> private_;
  std::map<std::string, AddressOwner> public_;
  std::size_t instances_ = 0;
};

}  // namespace akv::trail
