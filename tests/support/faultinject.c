/* Fault injection for end-to-end tests (attack catalogue C10, D4): runs a
 * program under ptrace and makes the Nth system call of one file operation
 * fail with a chosen errno, so tests can check that akvault reports E_IO and
 * leaves every file as it was.
 *
 *   akvault_faultinject PROGRAM [ARGS...]
 *
 *   AKV_FAULT_CALL   write | pwrite | fsync | fdatasync | rename
 *                    (pwrite is pwrite64; rename covers rename, renameat and
 *                    renameat2)
 *   AKV_FAULT_AT     1-based call number to fail (default 1); every later
 *                    call fails too when AKV_FAULT_STICKY=1
 *   AKV_FAULT_ERRNO  ENOSPC (default) | EIO | EROFS
 *   AKV_FAULT_MIN_FD only count calls on descriptors >= this (default 3), so
 *                    the error message on stderr still gets out
 *
 * Why ptrace and not an LD_PRELOAD library: akvault is a static binary
 * (docs/design.md, "Start-up and linking"), which never loads a preloaded
 * library. Failing the system call itself also catches every path to it,
 * including glibc's internal ones. The failed call is skipped (the kernel
 * never runs it) and returns -errno, exactly like a full disk.
 *
 * The program's threads are traced and share one counter (as one process
 * does); programs it starts (fork, vfork, posix_spawn) run untraced.
 * SIGINT, SIGTERM, SIGHUP and SIGQUIT sent to the launcher are passed on to
 * the program. The launcher exits with the program's status, or kills itself
 * with the program's fatal signal. x86-64 only. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#if !defined(__x86_64__)
#error "akvault_faultinject rewrites x86-64 syscall registers; port fault_registers() first"
#endif

static const char* watched_call;
static long fail_at = 1;
static int sticky;
static int fail_errno = ENOSPC;
static int min_fd = 3;
static long counter;

/* Tasks (threads) whose current system call was made to fail, so that its
 * exit stop sets the return value. A small table: akvault has at most a few
 * threads. */
#define MAX_TASKS 64
static pid_t failing[MAX_TASKS];

static int is_failing(pid_t tid) {
  for (int i = 0; i < MAX_TASKS; ++i) {
    if (failing[i] == tid) return 1;
  }
  return 0;
}

static void set_failing(pid_t tid, int on) {
  for (int i = 0; i < MAX_TASKS; ++i) {
    if (on ? failing[i] == 0 : failing[i] == tid) {
      failing[i] = on ? tid : 0;
      return;
    }
  }
}

static int parse_errno(const char* e) {
  if (e == NULL || strcmp(e, "ENOSPC") == 0) return ENOSPC;
  if (strcmp(e, "EIO") == 0) return EIO;
  if (strcmp(e, "EROFS") == 0) return EROFS;
  fprintf(stderr, "akvault_faultinject: AKV_FAULT_ERRNO must be ENOSPC, EIO or EROFS\n");
  exit(125);
}

/* Which operation syscall `nr` is, and the descriptor it works on (-1 when
 * it takes paths). NULL when it is none of the watched ones. */
static const char* operation(long nr, const struct user_regs_struct* r, long* fd) {
  *fd = (long)(int)r->rdi;
  switch (nr) {
    case SYS_write: return "write";
    case SYS_pwrite64: return "pwrite";
    case SYS_fsync: return "fsync";
    case SYS_fdatasync: return "fdatasync";
    case SYS_rename:
    case SYS_renameat:
    case SYS_renameat2: *fd = -1; return "rename";
    default: return NULL;
  }
}

static int should_fail(const char* name, long fd) {
  if (name == NULL || strcmp(name, watched_call) != 0) return 0;
  if (fd >= 0 && fd < min_fd) return 0;
  ++counter;
  return counter == fail_at || (sticky && counter > fail_at);
}

/* At a syscall entry stop: maybe turn this call into a failing one. */
static void on_entry(pid_t tid) {
  struct user_regs_struct r;
  if (ptrace(PTRACE_GETREGS, tid, 0, &r) != 0) return;
  long fd = -1;
  const char* name = operation((long)r.orig_rax, &r, &fd); /* sets fd: not in one expression */
  if (!should_fail(name, fd)) return;
  r.orig_rax = (unsigned long long)-1; /* no such syscall: the kernel skips it */
  if (ptrace(PTRACE_SETREGS, tid, 0, &r) == 0) set_failing(tid, 1);
}

/* At the matching exit stop: the skipped call returns -errno. */
static void on_exit_stop(pid_t tid) {
  if (!is_failing(tid)) return;
  set_failing(tid, 0);
  struct user_regs_struct r;
  if (ptrace(PTRACE_GETREGS, tid, 0, &r) != 0) return;
  r.rax = (unsigned long long)(long long)-fail_errno;
  ptrace(PTRACE_SETREGS, tid, 0, &r);
}

static volatile pid_t traced_child;

static void forward_signal(int sig) {
  if (traced_child > 0) kill(traced_child, sig);
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: akvault_faultinject PROGRAM [ARGS...] (with AKV_FAULT_CALL set)\n");
    return 125;
  }
  watched_call = getenv("AKV_FAULT_CALL");
  if (watched_call == NULL) watched_call = "";
  if (getenv("AKV_FAULT_AT")) fail_at = atol(getenv("AKV_FAULT_AT"));
  sticky = getenv("AKV_FAULT_STICKY") && strcmp(getenv("AKV_FAULT_STICKY"), "1") == 0;
  fail_errno = parse_errno(getenv("AKV_FAULT_ERRNO"));
  if (getenv("AKV_FAULT_MIN_FD")) min_fd = atoi(getenv("AKV_FAULT_MIN_FD"));

  const pid_t child = fork();
  if (child < 0) {
    perror("akvault_faultinject: fork");
    return 125;
  }
  if (child == 0) {
    if (ptrace(PTRACE_TRACEME, 0, 0, 0) != 0) {
      perror("akvault_faultinject: PTRACE_TRACEME");
      _exit(125);
    }
    raise(SIGSTOP); /* let the parent set its options before exec */
    execv(argv[1], argv + 1);
    perror("akvault_faultinject: exec");
    _exit(127);
  }
  /* A signal sent to the launcher (a test's kill, Ctrl-C) is passed on to
   * the program, which handles it as it would without us. */
  traced_child = child;
  struct sigaction forward;
  memset(&forward, 0, sizeof forward);
  forward.sa_handler = forward_signal;
  forward.sa_flags = SA_RESTART;
  sigaction(SIGINT, &forward, NULL);
  sigaction(SIGTERM, &forward, NULL);
  sigaction(SIGHUP, &forward, NULL);
  sigaction(SIGQUIT, &forward, NULL);

  int status;
  if (waitpid(child, &status, 0) != child || !WIFSTOPPED(status)) {
    fprintf(stderr, "akvault_faultinject: the program did not stop for tracing\n");
    return 125;
  }
  const long options = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL;
  if (ptrace(PTRACE_SETOPTIONS, child, 0, options) != 0) {
    perror("akvault_faultinject: PTRACE_SETOPTIONS");
    return 125;
  }
  ptrace(PTRACE_SYSCALL, child, 0, 0);

  int child_status = 0;
  for (;;) {
    const pid_t tid = waitpid(-1, &status, __WALL);
    if (tid < 0) {
      if (errno == EINTR) continue;
      break; /* ECHILD: every traced task is gone */
    }
    if (WIFEXITED(status) || WIFSIGNALED(status)) {
      set_failing(tid, 0);
      if (tid == child) child_status = status;
      continue;
    }
    if (!WIFSTOPPED(status)) continue;
    const int sig = WSTOPSIG(status);
    int deliver = 0;
    if (sig == (SIGTRAP | 0x80)) {
      struct __ptrace_syscall_info info;
      if (ptrace(PTRACE_GET_SYSCALL_INFO, tid, sizeof info, &info) > 0) {
        if (info.op == PTRACE_SYSCALL_INFO_ENTRY) on_entry(tid);
        if (info.op == PTRACE_SYSCALL_INFO_EXIT) on_exit_stop(tid);
      }
    } else if (sig == SIGTRAP && (status >> 16) != 0) {
      /* PTRACE_EVENT_CLONE / EXEC: nothing to deliver */
    } else if (sig == SIGSTOP && (status >> 16) == 0 && tid != child) {
      /* the initial stop of a new thread */
    } else {
      deliver = sig;
    }
    ptrace(PTRACE_SYSCALL, tid, 0, deliver);
  }
  if (WIFSIGNALED(child_status)) {
    signal(WTERMSIG(child_status), SIG_DFL);
    raise(WTERMSIG(child_status));
    return 128 + WTERMSIG(child_status);
  }
  return WEXITSTATUS(child_status);
}
