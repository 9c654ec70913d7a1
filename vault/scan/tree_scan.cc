#include "vault/scan/tree_scan.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>

namespace akv::scan {
namespace {

// A bounded queue of file paths from the walking thread to the scanners, so
// that a tree of any size never sits in memory as a whole.
class PathQueue {
 public:
  void Push(std::string path) {
    std::unique_lock lock(mutex_);
    not_full_.wait(lock, [&] { return queue_.size() < kCapacity; });
    queue_.push_back(std::move(path));
    not_empty_.notify_one();
  }
  void Close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    not_empty_.notify_all();
  }
  bool Pop(std::string& path) {
    std::unique_lock lock(mutex_);
    not_empty_.wait(lock, [&] { return !queue_.empty() || closed_; });
    if (queue_.empty()) return false;
    path = std::move(queue_.front());
    queue_.pop_front();
    not_full_.notify_one();
    return true;
  }

 private:
  static constexpr std::size_t kCapacity = 4096;
  std::mutex mutex_;
  std::condition_variable not_empty_, not_full_;
  std::deque<std::string> queue_;
  bool closed_ = false;
};

struct FdCloser {
  int fd;
  ~FdCloser() {
    if (fd >= 0) ::close(fd);
  }
};

// Collects one thread's results; merged at the end.
struct Partial {
  ScanSummary summary;
};

void ScanOneFile(const std::string& path, const Detector& detector, Detector::Scratch& scratch,
                 const Matcher& matcher, Partial& out) {
  // O_NONBLOCK: a FIFO that replaced a file since the walk saw it must not
  // hang the scan; O_NOFOLLOW: nor may a symlink that replaced it.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) {
    if (errno == ELOOP) {
      ++out.summary.skipped_links;
    } else {
      out.summary.warnings.push_back("cannot read " + path + ": " + std::strerror(errno));
    }
    return;
  }
  FdCloser closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ++out.summary.skipped_special;
    return;
  }
  (void)::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  // Read what the file held when it was opened; st_size saves the last,
  // empty read of most files.
  std::uint64_t left = static_cast<std::uint64_t>(st.st_size);
  bool size_reached = false;
  auto read = [&](std::span<std::uint8_t> buf) -> Result<std::size_t> {
    if (size_reached) return std::size_t{0};
    for (;;) {
      const ssize_t got = ::read(fd, buf.data(), buf.size());
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) return Status::FromErrno(errno, "reading", path);
      if (static_cast<std::uint64_t>(got) >= left) size_reached = true;
      left -= std::min<std::uint64_t>(left, static_cast<std::uint64_t>(got));
      return static_cast<std::size_t>(got);
    }
  };
  ++out.summary.files;
  out.summary.bytes += static_cast<std::uint64_t>(st.st_size);
  Status scanned = detector.ScanStream(scratch, read, [&](const Candidate& c) {
    std::optional<Hit> hit = matcher.Classify(c);
    if (!hit) return;
    hit->where = {path, "", c.position.line, c.position.column};
    out.summary.hits.push_back(std::move(*hit));
  });
  if (!scanned.ok()) out.summary.warnings.push_back(scanned.message());
}

std::string Join(const std::string& dir, const char* name) {
  std::string path = dir;
  if (path.empty() || path.back() != '/') path += '/';
  path += name;
  return path;
}

// Depth-first walk of `dir`: files go to the queue, folders are descended,
// links and special files are counted and skipped. d_type saves a stat per
// entry on every common file system.
void Walk(const std::string& dir, PathQueue& queue, Partial& out) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ELOOP || errno == ENOTDIR) {
      ++out.summary.skipped_links;
    } else {
      out.summary.warnings.push_back("cannot read folder " + dir + ": " + std::strerror(errno));
    }
    return;
  }
  DIR* d = ::fdopendir(fd);
  if (d == nullptr) {
    ::close(fd);
    out.summary.warnings.push_back("cannot read folder " + dir + ": " + std::strerror(errno));
    return;
  }
  std::vector<std::string> subdirs;
  while (dirent* e = ::readdir(d)) {
    const char* name = e->d_name;
    if (name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0))) continue;
    unsigned char type = e->d_type;
    if (type == DT_UNKNOWN) {
      struct stat st {};
      if (::fstatat(::dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
      type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : S_ISLNK(st.st_mode) ? DT_LNK : DT_FIFO;
    }
    if (type == DT_REG) {
      queue.Push(Join(dir, name));
    } else if (type == DT_DIR) {
      subdirs.push_back(Join(dir, name));
    } else if (type == DT_LNK) {
      ++out.summary.skipped_links;
    } else {
      ++out.summary.skipped_special;
    }
  }
  ::closedir(d);
  // Sub-folders after the folder's files, and one folder handle open at a
  // time, whatever the depth.
  for (const std::string& sub : subdirs) Walk(sub, queue, out);
}

void Merge(ScanSummary& into, ScanSummary&& part) {
  into.files += part.files;
  into.bytes += part.bytes;
  into.skipped_links += part.skipped_links;
  into.skipped_special += part.skipped_special;
  std::move(part.hits.begin(), part.hits.end(), std::back_inserter(into.hits));
  std::move(part.warnings.begin(), part.warnings.end(), std::back_inserter(into.warnings));
}

}  // namespace

void SortHits(std::vector<Hit>& hits) {
  std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
    return std::tie(a.where.path, a.where.commit, a.where.line, a.where.column, a.akid) <
           std::tie(b.where.path, b.where.commit, b.where.line, b.where.column, b.akid);
  });
}

Result<ScanSummary> ScanPaths(const std::vector<std::string>& paths, const Detector& detector,
                              const Matcher& matcher, const TreeScanOptions& options) {
  // Every named path must exist before any work starts.
  std::vector<std::pair<std::string, mode_t>> roots;
  for (const std::string& path : paths) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
      return Status::FromErrno(errno, "cannot scan", path).WithHint("check the path");
    }
    roots.emplace_back(path, st.st_mode);
  }
  const unsigned threads = std::max(1u, options.threads);
  std::vector<std::unique_ptr<Detector::Scratch>> scratches;
  for (unsigned i = 0; i < threads; ++i) {
    AKV_ASSIGN_OR_RETURN(auto scratch, detector.NewScratch());
    scratches.push_back(std::move(scratch));
  }
  PathQueue queue;
  std::vector<Partial> parts(threads + 1);  // the last one is the walker's
  std::vector<std::thread> workers;
  for (unsigned i = 0; i < threads; ++i) {
    workers.emplace_back([&, i] {
      std::string path;
      while (queue.Pop(path)) ScanOneFile(path, detector, *scratches[i], matcher, parts[i]);
    });
  }
  Partial& walker = parts[threads];
  for (const auto& [path, mode] : roots) {
    if (S_ISDIR(mode)) {
      Walk(path, queue, walker);
    } else if (S_ISREG(mode)) {
      queue.Push(path);
    } else if (S_ISLNK(mode)) {
      ++walker.summary.skipped_links;
      walker.summary.warnings.push_back("not following the symbolic link " + path + "; name its target instead");
    } else {
      ++walker.summary.skipped_special;
    }
  }
  queue.Close();
  for (std::thread& t : workers) t.join();
  ScanSummary summary;
  for (Partial& part : parts) Merge(summary, std::move(part.summary));
  SortHits(summary.hits);
  std::sort(summary.warnings.begin(), summary.warnings.end());
  return summary;
}

Result<ScanSummary> ScanStreamInput(const ReadFn& read, const std::string& name, const Detector& detector,
                                    const Matcher& matcher) {
  AKV_ASSIGN_OR_RETURN(auto scratch, detector.NewScratch());
  ScanSummary summary;
  std::uint64_t bytes = 0;
  auto counting = [&](std::span<std::uint8_t> out) -> Result<std::size_t> {
    AKV_ASSIGN_OR_RETURN(std::size_t got, read(out));
    bytes += got;
    return got;
  };
  AKV_RETURN_IF_ERROR(detector.ScanStream(*scratch, counting, [&](const Candidate& c) {
    std::optional<Hit> hit = matcher.Classify(c);
    if (!hit) return;
    hit->where = {name, "", c.position.line, c.position.column};
    summary.hits.push_back(std::move(*hit));
  }));
  summary.files = 1;
  summary.bytes = bytes;
  return summary;
}

}  // namespace akv::scan
