// A throwaway PostgreSQL server for GoogleTest: started by
// tests/support/pgserver.py (initdb + pg_ctl in a temporary folder, a free
// localhost port, the `postgres` account when run as root), one per test
// process, stopped and removed when the process exits. Every PgTest gets a
// database of its own, dropped afterwards.
//
// Without PostgreSQL installed the tests skip with the reason, unless
// AKVAULT_REQUIRE_PG=1 (CI), where they fail. ctest sets AKVAULT_PGSERVER
// (the script) and AKVAULT_PG_TEMPLATE_DIR (initdb once per build tree).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "vault/storage/pg/connection.h"

namespace akv::testing {

struct PgServerInfo {
  std::string dir;  // the server's folder (socket, data, log)
  int port = 0;
  std::string superuser;
  std::string superuser_password;
  std::string log;
};

// The process's server, started on first use. Null with `why_not` set when
// PostgreSQL is not installed or did not start.
const PgServerInfo* SharedPgServer(std::string* why_not);

// postgresql://USER@/DB?host=<socket folder>&port=N (trust auth: for setup).
std::string PgSocketUri(const PgServerInfo& server, const std::string& user, const std::string& db);
// postgresql://USER@127.0.0.1:N/DB (scram-sha-256: needs a pgpass entry).
std::string PgTcpUri(const PgServerInfo& server, const std::string& user, const std::string& db);

class PgTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
  // A new connection to this test's database as the superuser.
  std::unique_ptr<pg::Connection> Connect();
  // Runs SQL as the superuser on this test's database; fails the test on error.
  void Sql(const std::string& sql);

  const PgServerInfo* server_ = nullptr;
  std::string db_;   // this test's database
  std::string uri_;  // superuser, socket
  std::unique_ptr<pg::Connection> admin_;
};

}  // namespace akv::testing
