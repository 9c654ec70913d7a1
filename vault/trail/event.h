// One ActionTrail event, reduced to the fields the compliance report uses
// (field names: docs/howto-compliance.md and ../shared research notes B1).
// Decoded strings; empty when the event lacks the field or it is null.
#pragma once

#include <string>

namespace akv::trail {

struct Event {
  std::string access_key_id;  // userIdentity.accessKeyId: LTAI..., STS...., or empty (console)
  std::string identity_type;  // userIdentity.type: root-account, ram-user, assumed-role, ...
  std::string user_name;      // userIdentity.userName (role:session for roles)
  std::string account_id;     // userIdentity.accountId
  std::string event_time;     // eventTime, ISO-8601 UTC
  std::string event_name;     // the API action
  std::string service_name;   // Ecs, Rds, Ram, ...
  std::string source_ip;      // sourceIpAddress (may be "Internal" or masked)
  std::string vpc_id;         // present for calls through a VPC endpoint
  std::string error_code;     // empty on success
  std::string event_type;     // ApiCall, ConsoleSignin, ...
  bool any = false;           // at least one event field was present

  void Clear() {
    access_key_id.clear();
    identity_type.clear();
    user_name.clear();
    account_id.clear();
    event_time.clear();
    event_name.clear();
    service_name.clear();
    source_ip.clear();
    vpc_id.clear();
    error_code.clear();
    event_type.clear();
    any = false;
  }
};

}  // namespace akv::trail
