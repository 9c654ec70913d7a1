#include "cli/scan_git_hook.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>

namespace akv::cli {
namespace {

GitScanners g_scanners{};
bool g_registered = false;
std::vector<std::string> g_argv;

}  // namespace

void RegisterGitScanners(const GitScanners& scanners) {
  g_scanners = scanners;
  g_registered = true;
}

const GitScanners* RegisteredGitScanners() { return g_registered ? &g_scanners : nullptr; }

void RememberArgv(int argc, char** argv) { g_argv.assign(argv, argv + argc); }

Status ExecGitHelper() {
  char self[PATH_MAX];
  const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return Status::Internal("cannot find akvault's own path (/proc/self/exe)");
  self[n] = 0;
  std::string helper(self);
  helper = helper.substr(0, helper.rfind('/') + 1) + "akvault-git";
  struct stat st {};
  if (::stat(helper.c_str(), &st) != 0) {
    return Status::NotFound("--git and --staged need " + helper + " (akvault linked with libgit2), which is missing",
                            "install akvault-git beside akvault (it is built with it)");
  }
  if ((st.st_uid != 0 && st.st_uid != ::getuid()) || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    return Status::Permission("refusing to run " + helper + ": owned by another user or writable by others",
                              "chmod go-w " + helper);
  }
  if (g_argv.empty()) return Status::Internal("akvault-git: the command line was not recorded");
  std::vector<char*> args;
  for (std::string& a : g_argv) args.push_back(a.data());
  args.push_back(nullptr);
  ::execv(helper.c_str(), args.data());
  return Status::FromErrno(errno, "cannot run", helper);
}

}  // namespace akv::cli
