#include "tests/support/pg_server.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <vector>

#include "vault/crypto/random.h"
#include "vault/encoding/encoding.h"

namespace akv::testing {
namespace {

// Runs `argv` (no shell) and returns its stdout; exit status in *status.
std::string RunCapture(const std::vector<std::string>& argv, int* status) {
  int fds[2];
  if (pipe(fds) != 0) return "";
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], 1);
    close(fds[0]);
    close(fds[1]);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(fds[1]);
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  close(fds[0]);
  int wstatus = 0;
  waitpid(pid, &wstatus, 0);
  *status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
  return out;
}

std::string Script() {
  const char* env = std::getenv("AKVAULT_PGSERVER");
  return env ? env : "tests/support/pgserver.py";
}

struct Shared {
  std::unique_ptr<PgServerInfo> info;
  std::string why_not;
  ~Shared() {
    if (!info) return;
    int status = 0;
    (void)RunCapture({"python3", Script(), "stop", info->dir}, &status);
  }
};

void StartServer(Shared& s) {
  int status = 0;
  const std::string out = RunCapture({"python3", Script(), "start"}, &status);
  auto json = nlohmann::json::parse(out, nullptr, /*allow_exceptions=*/false);
  if (status != 0 || !json.is_object()) {
    s.why_not = "the test PostgreSQL did not start (" + Script() + " start exited " + std::to_string(status) + ")";
  } else if (json.contains("unavailable")) {
    s.why_not = json["unavailable"].get<std::string>();
  } else {
    s.info = std::make_unique<PgServerInfo>();
    s.info->dir = json["dir"].get<std::string>();
    s.info->port = json["port"].get<int>();
    s.info->superuser = json["superuser"].get<std::string>();
    s.info->superuser_password = json["superuser_password"].get<std::string>();
    s.info->log = json["log"].get<std::string>();
  }
}

Shared& TheServer() {
  static Shared shared;
  static const bool started = (StartServer(shared), true);
  (void)started;
  return shared;
}

std::string Escape(const std::string& path) {
  std::string out;
  for (char c : path) out += (c == '/') ? std::string("%2F") : std::string(1, c);
  return out;
}

}  // namespace

const PgServerInfo* SharedPgServer(std::string* why_not) {
  Shared& s = TheServer();
  if (!s.info && why_not) *why_not = s.why_not;
  return s.info.get();
}

std::string PgSocketUri(const PgServerInfo& server, const std::string& user, const std::string& db) {
  return "postgresql://" + user + "@/" + db + "?host=" + Escape(server.dir) + "&port=" + std::to_string(server.port);
}

std::string PgTcpUri(const PgServerInfo& server, const std::string& user, const std::string& db) {
  return "postgresql://" + user + "@127.0.0.1:" + std::to_string(server.port) + "/" + db;
}

void PgTest::SetUp() {
  std::string why_not;
  server_ = SharedPgServer(&why_not);
  if (server_ == nullptr) {
    const char* require = std::getenv("AKVAULT_REQUIRE_PG");
    if (require && std::string(require) == "1") FAIL() << why_not;
    GTEST_SKIP() << why_not;
  }
  SystemRng rng;
  db_ = "t_" + HexEncode(rng.Draw(6));
  auto postgres = pg::Connection::Connect(*ParsePgUri(PgSocketUri(*server_, server_->superuser, "postgres")));
  ASSERT_TRUE(postgres.ok()) << postgres.status().ToString();
  ASSERT_TRUE((*postgres)->Run("CREATE DATABASE " + db_).ok());
  uri_ = PgSocketUri(*server_, server_->superuser, db_);
  admin_ = Connect();
  ASSERT_NE(admin_, nullptr);
}

void PgTest::TearDown() {
  if (server_ == nullptr) return;
  admin_.reset();
  auto postgres = pg::Connection::Connect(*ParsePgUri(PgSocketUri(*server_, server_->superuser, "postgres")));
  if (postgres.ok()) (void)(*postgres)->Run("DROP DATABASE IF EXISTS " + db_ + " WITH (FORCE)");
}

std::unique_ptr<pg::Connection> PgTest::Connect() {
  auto uri = ParsePgUri(uri_);
  EXPECT_TRUE(uri.ok()) << uri.status().ToString();
  if (!uri.ok()) return nullptr;
  auto conn = pg::Connection::Connect(*uri);
  EXPECT_TRUE(conn.ok()) << conn.status().ToString();
  return conn.ok() ? std::move(conn).value() : nullptr;
}

void PgTest::Sql(const std::string& sql) {
  Status status = admin_->Run(sql);
  ASSERT_TRUE(status.ok()) << status.ToString() << "\nSQL: " << sql;
}

}  // namespace akv::testing
