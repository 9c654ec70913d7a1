// The PostgreSQL vault URI: what is accepted as libpq reads it, and what is
// refused (a password in any spelling, control bytes, malformed escapes).
#include <gtest/gtest.h>

#include "vault/storage/pg/uri.h"

namespace akv {
namespace {

TEST(PgUriTest, RecognisesBothSchemesOnly) {
  EXPECT_TRUE(IsPgUri("postgresql://db/akv"));
  EXPECT_TRUE(IsPgUri("postgres://db/akv"));
  EXPECT_FALSE(IsPgUri("/home/alice/.akvault/vault.db"));
  EXPECT_FALSE(IsPgUri("postgresql:/db"));
  EXPECT_FALSE(IsPgUri("POSTGRESQL://db"));
  EXPECT_FALSE(IsPgUri("./postgresql://x"));
}

TEST(PgUriTest, ParsesUserHostsPortDatabaseAndParameters) {
  auto uri = ParsePgUri(
      "postgresql://alice@db1.example.com:5433,db2.example.com/team%20vault?sslmode=verify-full"
      "&sslrootcert=%2Fetc%2Fssl%2Froot.crt&target_session_attrs=read-write");
  ASSERT_TRUE(uri.ok()) << uri.status().ToString();
  EXPECT_EQ(uri->user, "alice");
  ASSERT_EQ(uri->hosts.size(), 2u);
  EXPECT_EQ(uri->hosts[0].host, "db1.example.com");
  EXPECT_EQ(uri->hosts[0].port, 5433);
  EXPECT_EQ(uri->hosts[1].host, "db2.example.com");
  EXPECT_FALSE(uri->hosts[1].port.has_value());
  EXPECT_EQ(uri->dbname, "team vault");
  EXPECT_EQ(uri->Param("sslrootcert"), "/etc/ssl/root.crt");
  EXPECT_EQ(uri->Param("sslmode"), "verify-full");
  EXPECT_FALSE(uri->IsLocal());
  EXPECT_EQ(uri->TransportWarning(), "");
}

TEST(PgUriTest, AcceptsTheShortFormsLibpqAccepts) {
  for (const char* text : {"postgresql://", "postgresql:///akv", "postgres://localhost", "postgresql://[::1]:5432/akv",
                           "postgresql://%2Fvar%2Frun%2Fpostgresql/akv", "postgresql:///akv?host=/tmp&port=5999",
                           "postgresql://bob@/akv", "postgresql://127.0.0.1/akv?"}) {
    auto uri = ParsePgUri(text);
    ASSERT_TRUE(uri.ok()) << text << ": " << uri.status().ToString();
    EXPECT_TRUE(uri->IsLocal()) << text;
    EXPECT_EQ(uri->TransportWarning(), "") << text;
    EXPECT_EQ(uri->text, text);
  }
  EXPECT_EQ(ParsePgUri("postgresql://[::1]:6000/x")->hosts[0].host, "::1");
  EXPECT_EQ(ParsePgUri("postgresql://[::1]:6000/x")->hosts[0].port, 6000);
}

TEST(PgUriTest, RefusesAPasswordInAnySpellingWithoutQuotingIt) {
  for (const char* text :
       {"postgresql://alice:hunter2@db/akv", "postgresql://alice:@db/akv", "postgresql://:hunter2@db/akv",
        "postgresql://alice@db/akv?password=hunter2", "postgresql://db/akv?sslmode=require&password=hunter2",
        "postgresql://db/akv?sslpassword=hunter2", "postgresql://db/akv?pass%77ord=hunter2",
        "postgres://alice%3Ax:hunter2@db"}) {
    auto uri = ParsePgUri(text);
    ASSERT_FALSE(uri.ok()) << text;
    EXPECT_EQ(uri.status().code(), Code::kUsage) << text;
    EXPECT_NE(uri.status().message().find("holds a password"), std::string::npos) << text;
    EXPECT_EQ(uri.status().ToString().find("hunter2"), std::string::npos) << text;
    EXPECT_NE(uri.status().hint().find(".pgpass"), std::string::npos);
  }
}

TEST(PgUriTest, RefusesMalformedInput) {
  const char* bad[] = {
      "mysql://db/akv",            // another scheme
      "postgresql://db/akv db",    // blank
      "postgresql://db/akv\n",     // control byte
      "postgresql://db/a%zz",      // bad escape
      "postgresql://db/a%2",       // truncated escape
      "postgresql://db/a%00b",     // encoded NUL
      "postgresql://db/a%0Ab",     // encoded newline
      "postgresql://db:port/akv",  // port not a number
      "postgresql://db:0/akv",     // port out of range
      "postgresql://db:65536/akv",
      "postgresql://db:/akv",   // empty port
      "postgresql://[::1/akv",  // unclosed IPv6
      "postgresql://[::1]x/akv",
      "postgresql://db/akv?sslmode",  // parameter without a value
  };
  for (const char* text : bad) {
    const Status status = ParsePgUri(text).status();
    EXPECT_EQ(status.code(), Code::kUsage) << text;
    for (char c : status.message()) EXPECT_GE(static_cast<unsigned char>(c), 0x20) << text;
  }
  EXPECT_EQ(ParsePgUri(std::string("postgresql://db/") + std::string(5000, 'a')).status().code(), Code::kUsage);
}

TEST(PgUriTest, WarnsAboutAnUnverifiedServerElsewhere) {
  auto plain = ParsePgUri("postgresql://alice@db.example.com/akv");
  ASSERT_TRUE(plain.ok());
  EXPECT_NE(plain->TransportWarning().find("sslmode=prefer"), std::string::npos);
  EXPECT_NE(plain->TransportWarning().find("verify-full"), std::string::npos);
  auto require = ParsePgUri("postgresql://alice@db.example.com/akv?sslmode=require");
  EXPECT_NE(require->TransportWarning().find("sslmode=require"), std::string::npos);
  // host= overrides the authority's hosts, as in libpq.
  auto param_host = ParsePgUri("postgresql:///akv?host=db.example.com");
  EXPECT_FALSE(param_host->IsLocal());
  auto hostaddr = ParsePgUri("postgresql://localhost/akv?hostaddr=10.0.0.5");
  EXPECT_FALSE(hostaddr->IsLocal());
  EXPECT_TRUE(ParsePgUri("postgresql://127.0.0.2/akv")->IsLocal());
  EXPECT_FALSE(ParsePgUri("postgresql://127.0.0.1.example.com/akv")->IsLocal());
}

}  // namespace
}  // namespace akv
