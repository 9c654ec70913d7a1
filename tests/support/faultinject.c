/* Fault injection for end-to-end tests (attack catalogue C10, D4): an
 * LD_PRELOAD library that makes the Nth call of one file operation fail with
 * a chosen errno, so tests can check that akvault reports E_IO and leaves
 * every file as it was.
 *
 *   AKV_FAULT_CALL   write | pwrite | fsync | fdatasync | rename
 *                    (rename covers rename, renameat, renameat2)
 *   AKV_FAULT_AT     1-based call number to fail (default 1); every later
 *                    call fails too when AKV_FAULT_STICKY=1
 *   AKV_FAULT_ERRNO  ENOSPC (default) | EIO | EROFS
 *   AKV_FAULT_MIN_FD only count calls on descriptors >= this (default 3), so
 *                    the error message on stderr still gets out
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

static int fault_errno(void) {
  const char* e = getenv("AKV_FAULT_ERRNO");
  if (e && strcmp(e, "EIO") == 0) return EIO;
  if (e && strcmp(e, "EROFS") == 0) return EROFS;
  return ENOSPC;
}

/* Returns 1 when this call of `name` must fail. */
static int should_fail(const char* name, int fd) {
  static long counter = 0;
  const char* call = getenv("AKV_FAULT_CALL");
  if (call == NULL || strcmp(call, name) != 0) return 0;
  const char* min_fd_text = getenv("AKV_FAULT_MIN_FD");
  int min_fd = min_fd_text ? atoi(min_fd_text) : 3;
  if (fd >= 0 && fd < min_fd) return 0;
  const char* at_text = getenv("AKV_FAULT_AT");
  long at = at_text ? atol(at_text) : 1;
  const char* sticky = getenv("AKV_FAULT_STICKY");
  ++counter;
  if (counter == at) return 1;
  return sticky && strcmp(sticky, "1") == 0 && counter > at;
}

#define REAL(ret, name, ...) \
  static ret (*real_##name)(__VA_ARGS__) = NULL; \
  if (real_##name == NULL) real_##name = (ret(*)(__VA_ARGS__))dlsym(RTLD_NEXT, #name)

ssize_t write(int fd, const void* buf, size_t n) {
  REAL(ssize_t, write, int, const void*, size_t);
  if (should_fail("write", fd)) { errno = fault_errno(); return -1; }
  return real_write(fd, buf, n);
}

ssize_t pwrite64(int fd, const void* buf, size_t n, off_t off) {
  REAL(ssize_t, pwrite64, int, const void*, size_t, off_t);
  if (should_fail("pwrite", fd)) { errno = fault_errno(); return -1; }
  return real_pwrite64(fd, buf, n, off);
}

ssize_t pwrite(int fd, const void* buf, size_t n, off_t off) {
  REAL(ssize_t, pwrite, int, const void*, size_t, off_t);
  if (should_fail("pwrite", fd)) { errno = fault_errno(); return -1; }
  return real_pwrite(fd, buf, n, off);
}

int fsync(int fd) {
  REAL(int, fsync, int);
  if (should_fail("fsync", fd)) { errno = fault_errno(); return -1; }
  return real_fsync(fd);
}

int fdatasync(int fd) {
  REAL(int, fdatasync, int);
  if (should_fail("fdatasync", fd)) { errno = fault_errno(); return -1; }
  return real_fdatasync(fd);
}

int rename(const char* a, const char* b) {
  REAL(int, rename, const char*, const char*);
  if (should_fail("rename", -1)) { errno = fault_errno(); return -1; }
  return real_rename(a, b);
}

int renameat(int da, const char* a, int db, const char* b) {
  REAL(int, renameat, int, const char*, int, const char*);
  if (should_fail("rename", -1)) { errno = fault_errno(); return -1; }
  return real_renameat(da, a, db, b);
}

int renameat2(int da, const char* a, int db, const char* b, unsigned flags) {
  REAL(int, renameat2, int, const char*, int, const char*, unsigned);
  if (should_fail("rename", -1)) { errno = fault_errno(); return -1; }
  return real_renameat2(da, a, db, b, flags);
}
