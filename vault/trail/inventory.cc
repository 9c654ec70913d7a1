#include "vault/trail/inventory.h"

#include <nlohmann/json.hpp>
#include <vector>

#include "vault/trail/ip.h"

namespace akv::trail {
namespace {

using nlohmann::json;

// Inventory files are small (thousands of instances); one larger than this
// is not an inventory.
constexpr std::size_t kMaxInventoryBytes = 256u << 20;

// The list under "Outer": {"Inner": [...]} (the API's XML-derived shape), or
// directly "Outer": [...] (what some tools flatten it to).
const json* ListOf(const json& doc, const char* outer, const char* inner) {
  auto it = doc.find(outer);
  if (it == doc.end()) return nullptr;
  if (it->is_array()) return &*it;
  if (it->is_object()) {
    auto in = it->find(inner);
    if (in != it->end() && in->is_array()) return &*in;
    if (it->empty()) return &*it;  // an empty page
  }
  return nullptr;
}

std::string Str(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The strings of obj[outer][inner][] (or obj[outer][] directly).
std::vector<std::string> Strings(const json& obj, const char* outer, const char* inner) {
  std::vector<std::string> out;
  if (!obj.is_object()) return out;
  const json* list = ListOf(obj, outer, inner);
  if (!list || !list->is_array()) return out;
  for (const auto& v : *list) {
    if (v.is_string() && !v.get<std::string>().empty()) out.push_back(v.get<std::string>());
  }
  return out;
}

// The address in canonical text, or empty when it is not an address.
std::string Canonical(const std::string& text) {
  auto ip = ParseIp(text);
  return ip ? ip->ToString() : std::string();
}

}  // namespace

const AddressOwner* Inventory::Private(const std::string& vpc_id, const std::string& ip) const {
  auto it = private_.find({vpc_id, ip});
  return it == private_.end() ? nullptr : &it->second;
}

const AddressOwner* Inventory::Public(const std::string& ip) const {
  auto it = public_.find(ip);
  return it == public_.end() ? nullptr : &it->second;
}

Status Inventory::LoadResponse(const void* value, const std::string& name) {
  const json& doc = *static_cast<const json*>(value);
  if (doc.is_array()) {
    for (const auto& page : doc) AKV_RETURN_IF_ERROR(LoadResponse(&page, name));
    return Status::Ok();
  }
  if (!doc.is_object())
    return Status::Format(name +
                          ": not a DescribeInstances, DescribeEipAddresses or DescribeSnatTableEntries response");
  bool known = false;
  if (const json* list = ListOf(doc, "Instances", "Instance")) {
    known = true;
    for (const auto& inst : *list) {
      if (!inst.is_object()) continue;
      ++instances_;
      AddressOwner owner;
      owner.kind = AddressOwner::Kind::kInstance;
      owner.id = owner.instance_id = Str(inst, "InstanceId");
      owner.detail = Str(inst, "InstanceName");
      auto vpc_attr = inst.find("VpcAttributes");
      if (vpc_attr != inst.end() && vpc_attr->is_object()) {
        const std::string vpc = Str(*vpc_attr, "VpcId");
        for (const auto& ip : Strings(*vpc_attr, "PrivateIpAddress", "IpAddress")) {
          if (auto c = Canonical(ip); !c.empty()) private_[{vpc, c}] = owner;
        }
        if (auto nics = ListOf(inst, "NetworkInterfaces", "NetworkInterface")) {
          for (const auto& nic : *nics) {
            if (!nic.is_object()) continue;
            if (auto c = Canonical(Str(nic, "PrimaryIpAddress")); !c.empty()) private_[{vpc, c}] = owner;
          }
        }
      }
      for (const auto& ip : Strings(inst, "InnerIpAddress", "IpAddress")) {
        if (auto c = Canonical(ip); !c.empty()) private_[{"", c}] = owner;
      }
      for (const auto& ip : Strings(inst, "PublicIpAddress", "IpAddress")) {
        if (auto c = Canonical(ip); !c.empty()) public_[c] = owner;
      }
      auto eip = inst.find("EipAddress");
      if (eip != inst.end() && eip->is_object()) {
        if (auto c = Canonical(Str(*eip, "IpAddress")); !c.empty()) public_[c] = owner;
      }
    }
  }
  if (const json* list = ListOf(doc, "EipAddresses", "EipAddress")) {
    known = true;
    for (const auto& eip : *list) {
      if (!eip.is_object()) continue;
      const std::string c = Canonical(Str(eip, "IpAddress"));
      if (c.empty()) continue;
      AddressOwner owner;
      owner.kind = AddressOwner::Kind::kEip;
      owner.id = Str(eip, "AllocationId");
      const std::string type = Str(eip, "InstanceType");
      const std::string bound = Str(eip, "InstanceId");
      owner.detail = bound.empty() ? "EIP, not bound" : "EIP bound to " + (type.empty() ? "" : type + " ") + bound;
      if (type == "EcsInstance" || bound.rfind("i-", 0) == 0) owner.instance_id = bound;
      // An instance's own record (from DescribeInstances) says more.
      if (!public_.count(c)) public_[c] = owner;
    }
  }
  if (const json* list = ListOf(doc, "SnatTableEntries", "SnatTableEntry")) {
    known = true;
    for (const auto& entry : *list) {
      if (!entry.is_object()) continue;
      AddressOwner owner;
      owner.kind = AddressOwner::Kind::kNat;
      owner.id = Str(entry, "SnatEntryId");
      const std::string vsw = Str(entry, "SourceVSwitchId");
      const std::string cidr = Str(entry, "SourceCIDR");
      owner.detail = "SNAT for " + (vsw.empty() ? cidr : vsw + (cidr.empty() ? "" : " (" + cidr + ")"));
      std::string ips = Str(entry, "SnatIp");
      std::size_t start = 0;
      while (start <= ips.size()) {
        const std::size_t comma = ips.find(',', start);
        const std::string one = ips.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (auto c = Canonical(one); !c.empty() && !public_.count(c)) public_[c] = owner;
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    }
  }
  if (!known) {
    return Status::Format(name + ": not a DescribeInstances, DescribeEipAddresses or DescribeSnatTableEntries response",
                          "save the output of `aliyun ecs DescribeInstances` (or the VPC calls) as JSON");
  }
  return Status::Ok();
}

Status Inventory::Load(ByteSource& source, const std::string& name) {
  std::string text;
  std::vector<std::uint8_t> chunk(1u << 16);
  for (;;) {
    AKV_ASSIGN_OR_RETURN(std::size_t n, source.Read(chunk.data(), chunk.size()));
    if (n == 0) break;
    text.append(reinterpret_cast<const char*>(chunk.data()), n);
    if (text.size() > kMaxInventoryBytes) return Status::Format(name + ": larger than 256 MB, not an inventory file");
  }
  auto doc = json::parse(text, nullptr, false);
  if (!doc.is_discarded()) return LoadResponse(&doc, name);
  // One response per line.
  std::size_t start = 0, line_no = 0;
  bool any = false;
  while (start < text.size()) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    ++line_no;
    const std::string_view line(text.data() + start, nl - start);
    start = nl + 1;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    auto page = json::parse(line.begin(), line.end(), nullptr, false);
    if (page.is_discarded()) {
      return Status::Format(name + ": line " + std::to_string(line_no) + " is not JSON",
                            "save the output of `aliyun ecs DescribeInstances` (or the VPC calls) as JSON");
    }
    AKV_RETURN_IF_ERROR(LoadResponse(&page, name));
    any = true;
  }
  if (!any) return Status::Format(name + ": empty, not an inventory file");
  return Status::Ok();
}

}  // namespace akv::trail
