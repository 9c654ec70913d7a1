#include "vault/scan/tree_scan.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>

namespace akv::scan {
namespace {

// Work shared by the scanning threads, which also walk: a job is a folder to
// list or a batch of files to scan. A thread lists a folder itself, scans
// its files in batches of kBatch, keeps the last batch and hands the others
// and every sub-folder to the queue. Handing work over one file at a time
// cost more in thread wake-ups (on a loaded machine, a scheduler slice each)
// than the scan of a small file.
struct Job {
  bool is_dir = false;
  std::vector<std::string> paths;  // one folder, or files
};

class JobQueue {
 public:
  explicit JobQueue(unsigned workers) : workers_(workers) {}
  void Push(Job job) {
    std::lock_guard lock(mutex_);
    jobs_.push_back(std::move(job));
    ready_.notify_one();
  }
  // The next job; false when every thread is idle and none is left.
  bool Pop(Job& job) {
    std::unique_lock lock(mutex_);
    ++idle_;
    for (;;) {
      if (!jobs_.empty()) {
        --idle_;
        // Folders last in, first out (depth first keeps the queue short).
        job = std::move(jobs_.back());
        jobs_.pop_back();
        return true;
      }
      if (idle_ == workers_) {
        ready_.notify_all();
        return false;
      }
      ready_.wait(lock);
    }
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::vector<Job> jobs_;
  unsigned workers_;
  unsigned idle_ = 0;
};

constexpr std::size_t kBatch = 64;

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

void ScanOneFile(const std::string& path, const Detector& detector, Detector::Scratch& scratch, const Matcher& matcher,
                 Partial& out) {
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

// Lists `dir`: sub-folders go to the queue, files into batches (all but the
// last handed to the queue, the last returned), links and special files are
// counted and skipped. d_type saves a stat per entry on every common file
// system.
std::vector<std::string> ListFolder(const std::string& dir, JobQueue& queue, Partial& out) {
  std::vector<std::string> batch;
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ELOOP || errno == ENOTDIR) {
      ++out.summary.skipped_links;
    } else {
      out.summary.warnings.push_back("cannot read folder " + dir + ": " + std::strerror(errno));
    }
    return batch;
  }
  DIR* d = ::fdopendir(fd);
  if (d == nullptr) {
    ::close(fd);
    out.summary.warnings.push_back("cannot read folder " + dir + ": " + std::strerror(errno));
    return batch;
  }
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
      batch.push_back(Join(dir, name));
      if (batch.size() == kBatch) {
        queue.Push({false, std::move(batch)});
        batch.clear();
      }
    } else if (type == DT_DIR) {
      queue.Push({true, {Join(dir, name)}});
    } else if (type == DT_LNK) {
      ++out.summary.skipped_links;
    } else {
      ++out.summary.skipped_special;
    }
  }
  ::closedir(d);
  return batch;
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

Result<ScanSummary> ScanPaths(const std::vector<std::string>& paths, const Detector& detector, const Matcher& matcher,
                              const TreeScanOptions& options) {
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
  JobQueue queue(threads);
  std::vector<Partial> parts(threads);
  for (const auto& [path, mode] : roots) {
    if (S_ISDIR(mode)) {
      queue.Push({true, {path}});
    } else if (S_ISREG(mode)) {
      queue.Push({false, {path}});
    } else if (S_ISLNK(mode)) {
      ++parts[0].summary.skipped_links;
      parts[0].summary.warnings.push_back("not following the symbolic link " + path + "; name its target instead");
    } else {
      ++parts[0].summary.skipped_special;
    }
  }
  auto work = [&](unsigned i) {
    Job job;
    while (queue.Pop(job)) {
      std::vector<std::string> files = job.is_dir ? ListFolder(job.paths[0], queue, parts[i]) : std::move(job.paths);
      for (const std::string& file : files) ScanOneFile(file, detector, *scratches[i], matcher, parts[i]);
    }
  };
  std::vector<std::thread> workers;
  for (unsigned i = 1; i < threads; ++i) workers.emplace_back(work, i);
  work(0);
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
