#include "vault/scan/git_scan.h"

#include <git2.h>

#include <atomic>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_set>
#include <vector>

namespace akv::scan {
namespace {

// RAII over libgit2's handles.
template <class T, void (*Free)(T*)>
struct Owned {
  T* p = nullptr;
  Owned() = default;
  Owned(const Owned&) = delete;
  Owned& operator=(const Owned&) = delete;
  ~Owned() {
    if (p != nullptr) Free(p);
  }
};
using Repo = Owned<git_repository, git_repository_free>;
using Walker = Owned<git_revwalk, git_revwalk_free>;
using Commit = Owned<git_commit, git_commit_free>;
using Tree = Owned<git_tree, git_tree_free>;
using Blob = Owned<git_blob, git_blob_free>;
using Index = Owned<git_index, git_index_free>;

// libgit2 wants one init per process; refcounted, so pairs nest.
struct Libgit2 {
  Libgit2() {
    git_libgit2_init();
    // libgit2 hashes every object it inflates to check its id; git's own
    // `cat-file --batch` does not, and for a scan (which trusts the bytes no
    // more than any other input) it doubled the work.
    git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
  }
  ~Libgit2() { git_libgit2_shutdown(); }
};

std::string GitError(const std::string& what) {
  const git_error* e = git_error_last();
  return what + ": " + (e != nullptr && e->message != nullptr ? e->message : "unknown libgit2 error");
}

Status OpenRepo(const std::string& path, Repo& repo) {
  if (git_repository_open_ext(&repo.p, path.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr) != 0) {
    return Status::NotFound(GitError("cannot open git repository " + path),
                            "give the repository's folder (the one holding .git)");
  }
  return Status::Ok();
}

struct OidHash {
  std::size_t operator()(const git_oid& o) const {
    std::size_t h;
    std::memcpy(&h, o.id, sizeof h);
    return h;
  }
};
struct OidEq {
  bool operator()(const git_oid& a, const git_oid& b) const { return git_oid_equal(&a, &b) != 0; }
};

struct BlobJob {
  git_oid blob;
  std::uint32_t commit;  // index into the commit id list
  std::string path;
};

std::string OidText(const git_oid& oid) {
  char text[GIT_OID_HEXSZ + 1];
  git_oid_tostr(text, sizeof text, &oid);
  return text;
}

// Collects the blobs of `tree` not seen before, recursing into unseen trees.
Status CollectTree(git_repository* repo, const git_tree* tree, const std::string& prefix, std::uint32_t commit,
                   std::unordered_set<git_oid, OidHash, OidEq>& seen, std::vector<BlobJob>& jobs) {
  const std::size_t count = git_tree_entrycount(tree);
  for (std::size_t i = 0; i < count; ++i) {
    const git_tree_entry* entry = git_tree_entry_byindex(tree, i);
    const git_oid* oid = git_tree_entry_id(entry);
    const git_object_t type = git_tree_entry_type(entry);
    if (type != GIT_OBJECT_BLOB && type != GIT_OBJECT_TREE) continue;   // submodule commits
    if (git_tree_entry_filemode(entry) == GIT_FILEMODE_LINK) continue;  // a symlink's target path
    if (!seen.insert(*oid).second) continue;
    std::string path = prefix + git_tree_entry_name(entry);
    if (type == GIT_OBJECT_BLOB) {
      jobs.push_back({*oid, commit, std::move(path)});
      continue;
    }
    Tree sub;
    if (git_tree_lookup(&sub.p, repo, oid) != 0) return Status::Format(GitError("reading tree " + path));
    AKV_RETURN_IF_ERROR(CollectTree(repo, sub.p, path + "/", commit, seen, jobs));
  }
  return Status::Ok();
}

// Scans the jobs' blobs on `threads` threads, each with its own handle.
Result<ScanSummary> ScanBlobs(const std::string& repo_path, const std::vector<BlobJob>& jobs,
                              const std::vector<std::string>& commits, const Detector& detector, const Matcher& matcher,
                              unsigned threads) {
  std::atomic<std::size_t> next{0};
  std::vector<ScanSummary> parts(std::max(1u, threads));
  std::vector<Status> failures(parts.size());
  auto work = [&](std::size_t t) {
    Repo repo;
    if (Status s = OpenRepo(repo_path, repo); !s.ok()) {
      failures[t] = s;
      return;
    }
    auto scratch = detector.NewScratch();
    if (!scratch.ok()) {
      failures[t] = scratch.status();
      return;
    }
    ScanSummary& out = parts[t];
    // Runs of kRun consecutive jobs per thread: neighbours in tree order
    // tend to be neighbours in the pack, and share delta bases in libgit2's
    // cache.
    constexpr std::size_t kRun = 64;
    for (std::size_t first = next.fetch_add(kRun); first < jobs.size(); first = next.fetch_add(kRun)) {
      for (std::size_t i = first; i < std::min(first + kRun, jobs.size()); ++i) {
        const BlobJob& job = jobs[i];
        Blob blob;
        if (git_blob_lookup(&blob.p, repo.p, &job.blob) != 0) {
          out.warnings.push_back(GitError("cannot read blob " + OidText(job.blob) + " (" + job.path + ")"));
          continue;
        }
        const auto size = static_cast<std::size_t>(git_blob_rawsize(blob.p));
        const auto* data = static_cast<const std::uint8_t*>(git_blob_rawcontent(blob.p));
        ++out.files;
        out.bytes += size;
        Status scanned = detector.ScanBuffer(**scratch, {data, size}, [&](const Candidate& c) {
          std::optional<Hit> hit = matcher.Classify(c);
          if (!hit) return;
          hit->where = {job.path, job.commit < commits.size() ? commits[job.commit] : "", c.position.line,
                        c.position.column};
          out.hits.push_back(std::move(*hit));
        });
        if (!scanned.ok()) out.warnings.push_back(scanned.message());
      }
    }
  };
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < parts.size(); ++t) pool.emplace_back(work, t);
  work(0);
  for (std::thread& th : pool) th.join();
  for (const Status& s : failures) AKV_RETURN_IF_ERROR(s);
  ScanSummary summary;
  for (ScanSummary& part : parts) {
    summary.files += part.files;
    summary.bytes += part.bytes;
    std::move(part.hits.begin(), part.hits.end(), std::back_inserter(summary.hits));
    std::move(part.warnings.begin(), part.warnings.end(), std::back_inserter(summary.warnings));
  }
  SortHits(summary.hits);
  return summary;
}

}  // namespace

Result<ScanSummary> ScanGitHistory(const std::string& repo_path, const Detector& detector, const Matcher& matcher,
                                   unsigned threads) {
  Libgit2 lib;
  Repo repo;
  AKV_RETURN_IF_ERROR(OpenRepo(repo_path, repo));
  Walker walk;
  if (git_revwalk_new(&walk.p, repo.p) != 0) return Status::Internal(GitError("starting the history walk"));
  // Oldest first, so that a blob is attributed to the commit that
  // introduced it (on the first branch, by time, that has it).
  git_revwalk_sorting(walk.p, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME | GIT_SORT_REVERSE);
  if (git_revwalk_push_glob(walk.p, "refs/*") != 0) git_error_clear();
  if (git_revwalk_push_head(walk.p) != 0) git_error_clear();  // an unborn HEAD has no commit
  std::unordered_set<git_oid, OidHash, OidEq> seen;
  std::vector<BlobJob> jobs;
  std::vector<std::string> commits;
  git_oid oid;
  while (git_revwalk_next(&oid, walk.p) == 0) {
    Commit commit;
    if (git_commit_lookup(&commit.p, repo.p, &oid) != 0) return Status::Format(GitError("reading a commit"));
    Tree tree;
    if (git_commit_tree(&tree.p, commit.p) != 0) return Status::Format(GitError("reading a commit's tree"));
    if (!seen.insert(*git_tree_id(tree.p)).second) continue;
    commits.push_back(OidText(oid));
    AKV_RETURN_IF_ERROR(CollectTree(repo.p, tree.p, "", static_cast<std::uint32_t>(commits.size() - 1), seen, jobs));
  }
  return ScanBlobs(repo_path, jobs, commits, detector, matcher, threads);
}

Result<ScanSummary> ScanGitIndex(const std::string& repo_path, const Detector& detector, const Matcher& matcher) {
  Libgit2 lib;
  Repo repo;
  AKV_RETURN_IF_ERROR(OpenRepo(repo_path, repo));
  Index index;
  if (git_repository_index(&index.p, repo.p) != 0) return Status::Format(GitError("reading the git index"));
  std::vector<BlobJob> jobs;
  const std::size_t count = git_index_entrycount(index.p);
  for (std::size_t i = 0; i < count; ++i) {
    const git_index_entry* entry = git_index_get_byindex(index.p, i);
    if (entry == nullptr || git_index_entry_stage(entry) != 0) continue;
    if ((entry->mode & 0170000) != 0100000) continue;  // regular files only: no links, no submodules
    jobs.push_back({entry->id, 0, entry->path});
  }
  return ScanBlobs(repo_path, jobs, {}, detector, matcher, 1);
}

}  // namespace akv::scan
