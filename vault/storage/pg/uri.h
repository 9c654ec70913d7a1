// A PostgreSQL connection URI as `--vault` / AKVAULT_VAULT take it:
//   postgresql://[user@][host][:port][,host2[:port2]...][/dbname][?name=value&...]
//   (postgres:// too), with percent-encoding as libpq reads it.
//
// What akvault refuses on top of libpq's own rules, because a secret must
// never travel in argv or in akvault's environment:
//   - a password in the URI (user:password@, or ?password= / ?sslpassword=):
//     the database password comes from ~/.pgpass or PGPASSFILE, as for psql;
//   - control characters and blanks, and malformed percent-escapes, so the
//     URI can be quoted in messages as it is.
// Everything else (sslmode, sslrootcert, target_session_attrs, ...) is
// passed to libpq unchanged. This parser needs no libpq: the static akvault
// recognises and validates a URI without linking it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vault/status.h"

namespace akv {

struct PgHost {
  std::string host;  // decoded; empty: libpq's default (the local socket); "/..." a socket folder
  std::optional<int> port;
};

struct PgUri {
  std::string text;  // as given: what libpq receives, and what messages quote
  std::vector<PgHost> hosts;
  std::optional<std::string> user;                          // decoded
  std::optional<std::string> dbname;                        // decoded
  std::vector<std::pair<std::string, std::string>> params;  // decoded, in order

  // The last value given for a query parameter.
  std::optional<std::string> Param(std::string_view name) const;
  // True when every host is this machine (a socket folder, localhost,
  // 127.0.0.0/8 or ::1), so the connection never leaves it.
  bool IsLocal() const;
  // For a server elsewhere whose certificate is not verified (sslmode other
  // than verify-full): one line saying so and how to fix it; empty otherwise.
  std::string TransportWarning() const;
};

// True when `location` names a PostgreSQL vault (starts with postgresql://
// or postgres://); anything else is a file path.
bool IsPgUri(std::string_view location);

// kUsage naming what is wrong and how to fix it. Never echoes a password:
// a URI that holds one is refused without being quoted.
Result<PgUri> ParsePgUri(std::string_view text);

}  // namespace akv
