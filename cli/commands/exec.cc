// akvault exec (BUNDLE | --key AKID) [--password-file FILE | --identity FILE]
//   [--profile NAME] [--aliases] -- COMMAND [ARG...]
// Runs COMMAND with the credentials in ITS environment only: akvault's own
// environment never holds them and nothing is written to disk. Signals sent
// to akvault are forwarded; COMMAND's exit status is passed on (128+N when it
// was killed by signal N).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstring>
#include <memory>

#include "cli/commands/commands.h"
#include "cli/commands/credential_source.h"
#include "cli/credential_env.h"
#include "vault/encoding/display_text.h"

extern char** environ;

namespace akv::cli {
namespace {

// The variables the Alibaba Cloud SDKs read, and with --aliases the older
// names the aliyun CLI (ALIBABACLOUD_*, ALICLOUD_*_ID) and the Terraform
// provider (ALICLOUD_ACCESS_KEY, ALICLOUD_SECRET_KEY) also read.
struct EnvName {
  const char* id;
  const char* secret;
  bool alias;
};
constexpr EnvName kEnvNames[] = {
    {"ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", false},
    {"ALIBABACLOUD_ACCESS_KEY_ID", "ALIBABACLOUD_ACCESS_KEY_SECRET", true},
    {"ALICLOUD_ACCESS_KEY_ID", "ALICLOUD_ACCESS_KEY_SECRET", true},
    {"ALICLOUD_ACCESS_KEY", "ALICLOUD_SECRET_KEY", true},
};

constexpr int kForwardedSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGALRM};

volatile sig_atomic_t g_child = 0;

void ForwardSignal(int sig, siginfo_t* info, void*) {
  // A signal from the terminal (Ctrl-C) already reached the child, which
  // shares our process group; forward only what was sent to us alone.
  if (g_child > 0 && info != nullptr && info->si_code <= 0) ::kill(g_child, sig);
}

struct ExecOptions {
  SourceOptions source;
  bool aliases = false;
};

Status RunExec(Context& ctx, const ExecOptions& opts) {
  if (ctx.trailing_args.empty()) {
    return Status::Usage("no command to run", "put it after --, e.g. akvault exec bundle.akb -- aliyun ecs DescribeRegions");
  }
  AKV_ASSIGN_OR_RETURN(std::vector<LoadedCredential> creds, LoadCredentials(ctx, opts.source, "exec"));
  AKV_ASSIGN_OR_RETURN(LoadedCredential cred, SingleCredential(std::move(creds)));

  // The child's variables, "NAME=VALUE\0" one after another, in secure memory.
  std::size_t needed = 0;
  for (const EnvName& n : kEnvNames) {
    if (n.alias && !opts.aliases) continue;
    needed += std::strlen(n.id) + 2 + cred.akid.size() + std::strlen(n.secret) + 2 + cred.secret.size();
  }
  SecretBuffer block(needed);
  std::vector<char*> envp;
  for (char** e = environ; *e != nullptr; ++e) {
    if (!IsInheritedCredentialVariable(*e)) envp.push_back(*e);
  }
  char* cursor = reinterpret_cast<char*>(block.data());
  auto put = [&](const char* name, const char* value, std::size_t value_len) {
    envp.push_back(cursor);
    const std::size_t name_len = std::strlen(name);
    std::memcpy(cursor, name, name_len);
    cursor[name_len] = '=';
    std::memcpy(cursor + name_len + 1, value, value_len);
    cursor[name_len + 1 + value_len] = '\0';
    cursor += name_len + 2 + value_len;
  };
  for (const EnvName& n : kEnvNames) {
    if (n.alias && !opts.aliases) continue;
    put(n.id, cred.akid.data(), cred.akid.size());
    put(n.secret, reinterpret_cast<const char*>(cred.secret.data()), cred.secret.size());
  }
  envp.push_back(nullptr);
  std::vector<char*> argv;
  for (std::string& arg : ctx.trailing_args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  ctx.io.out().flush();
  ctx.io.err().flush();
  // Block the forwarded signals before the child exists and install the
  // handlers, then unblock only once its pid is known: a signal arriving in
  // between stays pending and is forwarded, instead of killing akvault and
  // orphaning a child that holds the credentials.
  sigset_t forwarded, previous;
  sigemptyset(&forwarded);
  for (int sig : kForwardedSignals) sigaddset(&forwarded, sig);
  ::sigprocmask(SIG_BLOCK, &forwarded, &previous);
  struct sigaction forward {};
  forward.sa_sigaction = ForwardSignal;
  forward.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset(&forward.sa_mask);
  for (int sig : kForwardedSignals) ::sigaction(sig, &forward, nullptr);

  const pid_t child = ::fork();
  if (child < 0) {
    ::sigprocmask(SIG_SETMASK, &previous, nullptr);
    return Status::Internal(std::string("cannot start the command: ") + std::strerror(errno));
  }
  if (child == 0) {
    // Undo what the child must not inherit: our handlers, ignored SIGPIPE,
    // the blocked mask.
    for (int sig : kForwardedSignals) ::signal(sig, SIG_DFL);
    ::signal(SIGPIPE, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execvpe(argv[0], argv.data(), envp.data());
    const int err = errno;
    const std::string msg = std::string("akvault: error: cannot run ") + DisplayText(argv[0]) + ": " + std::strerror(err) + "\n";
    (void)!::write(STDERR_FILENO, msg.data(), msg.size());
    ::_exit(err == ENOENT ? 127 : 126);
  }
  // The parent's copy of the variables is no longer needed.
  block = SecretBuffer();
  cred.secret = SecretBuffer();

  g_child = child;
  ::sigprocmask(SIG_SETMASK, &previous, nullptr);
  int wstatus = 0;
  while (::waitpid(child, &wstatus, 0) < 0) {
    if (errno != EINTR) return Status::Internal(std::string("lost track of the command: ") + std::strerror(errno));
  }
  g_child = 0;
  ctx.exit_status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
  return Status::Ok();
}

}  // namespace

void AddExecCommand(CLI::App& root, CommandTable& table) {
  auto opts = std::make_shared<ExecOptions>();
  CLI::App* cmd = root.add_subcommand("exec", "run a command with the credentials in its environment only (-- COMMAND ...)");
  AddSourceOptions(cmd, opts->source, /*allow_key=*/true);
  cmd->add_flag("--aliases", opts->aliases,
                "also set ALIBABACLOUD_*, ALICLOUD_ACCESS_KEY_ID/SECRET (aliyun CLI) and ALICLOUD_ACCESS_KEY/"
                "ALICLOUD_SECRET_KEY (Terraform)");
  table.push_back({cmd, [opts](Context& ctx) { return RunExec(ctx, *opts); }});
}

}  // namespace akv::cli
