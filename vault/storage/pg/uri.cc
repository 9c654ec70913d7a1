#include "vault/storage/pg/uri.h"

#include <algorithm>

namespace akv {
namespace {

constexpr std::string_view kSchemes[] = {"postgresql://", "postgres://"};

Status Bad(const std::string& what, const std::string& hint = "") {
  return Status::Usage("PostgreSQL vault URI " + what,
                       hint.empty() ? "write it as postgresql://USER@HOST:PORT/DBNAME?sslmode=verify-full" : hint);
}

Status HasPassword() {
  return Status::Usage(
      "PostgreSQL vault URI holds a password (refused, so that it never appears in a command line or the environment)",
      "remove it from the URI and put it in ~/.pgpass (chmod 600) or the file PGPASSFILE names, as for psql");
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes one component; refuses a bad escape or a decoded control
// character (libpq would pass a NUL-truncated or odd value on).
Result<std::string> Decode(std::string_view part, const char* what) {
  std::string out;
  out.reserve(part.size());
  for (std::size_t i = 0; i < part.size(); ++i) {
    char c = part[i];
    if (c == '%') {
      if (i + 2 >= part.size()) {
        return Bad(std::string("has an incomplete %-escape in its ") + what);
      }
      const int hi = HexValue(part[i + 1]);
      const int lo = HexValue(part[i + 2]);
      if (hi < 0 || lo < 0) return Bad(std::string("has an invalid %-escape in its ") + what);
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
        return Bad(std::string("has an encoded control character in its ") + what);
      }
    }
    out += c;
  }
  return out;
}

Result<PgHost> ParseHost(std::string_view spec) {
  PgHost host;
  std::string_view name = spec;
  std::string_view port;
  if (!spec.empty() && spec.front() == '[') {
    const std::size_t close = spec.find(']');
    if (close == std::string_view::npos) return Bad("has an IPv6 address without its closing ]");
    name = spec.substr(1, close - 1);
    std::string_view rest = spec.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return Bad("has characters after an IPv6 address ]");
      port = rest.substr(1);
      if (port.empty()) return Bad("has an empty port");
    }
  } else {
    const std::size_t colon = spec.rfind(':');
    if (colon != std::string_view::npos) {
      name = spec.substr(0, colon);
      port = spec.substr(colon + 1);
      if (port.empty()) return Bad("has an empty port");
    }
  }
  AKV_ASSIGN_OR_RETURN(host.host, Decode(name, "host"));
  if (!port.empty()) {
    if (port.size() > 5 || !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return Bad("has a port that is not a number");
    }
    const int value = std::stoi(std::string(port));
    if (value < 1 || value > 65535) return Bad("has a port outside 1..65535");
    host.port = value;
  }
  return host;
}

bool IsLocalHost(const std::string& host) {
  if (host.empty() || host.front() == '/' || host.front() == '@') return true;  // socket folder or abstract socket
  if (host == "localhost" || host == "::1") return true;
  return host.rfind("127.", 0) == 0 &&
         std::all_of(host.begin(), host.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
}

}  // namespace

bool IsPgUri(std::string_view location) {
  return std::any_of(std::begin(kSchemes), std::end(kSchemes),
                     [&](std::string_view s) { return location.substr(0, s.size()) == s; });
}

std::optional<std::string> PgUri::Param(std::string_view name) const {
  std::optional<std::string> value;
  for (const auto& [k, v] : params) {
    if (k == name) value = v;
  }
  return value;
}

bool PgUri::IsLocal() const {
  // A host= parameter overrides the hosts of the authority part (libpq's rule).
  if (auto host_param = Param("host")) {
    std::string_view rest = *host_param;
    while (true) {
      const std::size_t comma = rest.find(',');
      if (!IsLocalHost(std::string(rest.substr(0, comma)))) return false;
      if (comma == std::string_view::npos) return true;
      rest = rest.substr(comma + 1);
    }
  }
  if (Param("hostaddr")) return false;  // an address given directly: treat as remote
  return std::all_of(hosts.begin(), hosts.end(), [](const PgHost& h) { return IsLocalHost(h.host); });
}

std::string PgUri::TransportWarning() const {
  if (IsLocal()) return "";
  const std::string mode = Param("sslmode").value_or("prefer");
  if (mode == "verify-full") return "";
  return "the connection to the PostgreSQL server is not authenticated (sslmode=" + mode +
         "): add ?sslmode=verify-full&sslrootcert=FILE so that nobody between here and the server can pose as it";
}

Result<PgUri> ParsePgUri(std::string_view text) {
  std::string_view rest;
  for (std::string_view scheme : kSchemes) {
    if (text.substr(0, scheme.size()) == scheme) rest = text.substr(scheme.size());
  }
  if (rest.data() == nullptr) return Bad("must start with postgresql:// or postgres://");
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F) return Bad("contains a blank or control character", "percent-encode it (%20)");
  }
  if (text.size() > 4096) return Bad("is longer than 4096 characters");

  PgUri uri;
  uri.text = std::string(text);
  std::string_view query;
  if (const std::size_t q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  std::string_view authority = rest;
  if (const std::size_t slash = rest.find('/'); slash != std::string_view::npos) {
    authority = rest.substr(0, slash);
    std::string_view db = rest.substr(slash + 1);
    if (!db.empty()) {
      AKV_ASSIGN_OR_RETURN(std::string dbname, Decode(db, "database name"));
      uri.dbname = std::move(dbname);
    }
  }
  if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    if (userinfo.find(':') != std::string_view::npos) return HasPassword();
    if (!userinfo.empty()) {
      AKV_ASSIGN_OR_RETURN(std::string user, Decode(userinfo, "user name"));
      uri.user = std::move(user);
    }
  }
  // An empty authority is libpq's default host; "a,b" is a list of hosts.
  while (true) {
    const std::size_t comma = authority.find(',');
    AKV_ASSIGN_OR_RETURN(PgHost host, ParseHost(authority.substr(0, comma)));
    uri.hosts.push_back(std::move(host));
    if (comma == std::string_view::npos) break;
    authority = authority.substr(comma + 1);
  }
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos) return Bad("has a query parameter without =value");
    AKV_ASSIGN_OR_RETURN(std::string name, Decode(pair.substr(0, eq), "query parameter name"));
    if (name == "password" || name == "sslpassword") return HasPassword();
    AKV_ASSIGN_OR_RETURN(std::string value, Decode(pair.substr(eq + 1), "query parameter value"));
    uri.params.emplace_back(std::move(name), std::move(value));
  }
  return uri;
}

}  // namespace akv
