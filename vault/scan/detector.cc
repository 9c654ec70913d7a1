#include "vault/scan/detector.h"

#include <hs/hs.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <vector>

#include "vault/scan/id_rules.h"

namespace akv::scan {
namespace {

enum PatternId : unsigned { kIdPattern = 0 };

// Vectorscan has no look-around, so the pattern only finds where an ID could
// be, and VerifyId() checks the bounds on the bytes themselves: it fires once
// per "LTAI" followed by 12 alphanumerics, and its literal prefix lets
// Vectorscan skip most of the input.
constexpr const char* kIdRegex = "LTAI[A-Za-z0-9]{12}";

struct RawHit {
  CandidateKind kind;
  std::size_t start;
  std::size_t length;
};

// One chunk: `carry` bytes seen at the end of the previous chunk, then new
// bytes. A candidate is decided by the byte after it; the previous chunk
// decided every candidate whose deciding byte lay before its end, so this one
// keeps only those decided at or after `carry`.
struct Chunk {
  const std::uint8_t* data;
  std::size_t size;
  std::size_t carry;
  bool final;  // the end of the chunk is the end of the stream
  std::vector<RawHit>* hits;
};

bool AlnumAt(const Chunk& c, std::size_t i) { return IsAsciiAlnum(c.data[i]); }

void VerifyId(Chunk& c, std::size_t end) {
  const std::size_t start = end - kLegacyIdLength;
  if (start > 0 && AlnumAt(c, start - 1)) return;  // inside a longer token
  std::size_t i = start + kIdPrefix.size();
  const std::size_t limit = start + kIdLength + 1;  // one past a too-long run
  while (i < c.size && i < limit && AlnumAt(c, i)) ++i;
  if (i == c.size && !c.final && i < limit) return;  // decided by the next chunk
  const std::size_t length = i - start;
  if (length != kIdLength && length != kLegacyIdLength) return;
  if (i < c.carry) return;  // decided by the previous chunk
  c.hits->push_back({CandidateKind::kAccessKeyId, start, length});
}

int OnMatch(unsigned int /*id*/, unsigned long long /*from*/, unsigned long long to, unsigned int /*flags*/,
            void* context) {
  VerifyId(*static_cast<Chunk*>(context), static_cast<std::size_t>(to));
  return 0;  // keep scanning
}

// The 30-character tokens, without a pattern engine: any run of exactly 30
// alphanumerics covers exactly one offset that is a multiple of 30, so only
// those offsets are probed; a probe that lands on an alphanumeric measures
// its run (left and right) and the next probe starts past the run. Each byte
// is looked at about once at most, and text that is not alphanumeric is
// skipped 30 bytes at a time. Measured against Vectorscan running
// `(?:^|[^A-Za-z0-9])[A-Za-z0-9]{30}` beside the ID pattern, the whole scan
// went from 2.4x ripgrep's time to under it (docs/benchmarks.md).
void FindTokens(Chunk& c) {
  constexpr std::size_t kN = kSecretLength;
  std::size_t probe = 0;
  while (probe < c.size) {
    if (!AlnumAt(c, probe)) {
      probe += kN;
      continue;
    }
    std::size_t start = probe;  // measured leftwards, at most kN + 1 back
    while (start > 0 && probe - start <= kN && AlnumAt(c, start - 1)) --start;
    std::size_t end = probe + 1;  // the first byte after the run
    while (end < c.size && AlnumAt(c, end)) ++end;
    const bool decided = end < c.size || c.final;  // else the next chunk decides
    if (end - start == kN && decided && end >= c.carry && !(start == 0 && c.carry > 0)) {
      c.hits->push_back({CandidateKind::kSecretToken, start, kN});
    }
    // `end` is not alphanumeric: the next run starts after it, and covers a
    // multiple of kN at or after end + 1.
    probe = (end + kN) / kN * kN;
  }
}

bool IsContinuation(std::uint8_t c) { return (c & 0xC0) == 0x80; }

// Line and column at a point of the stream, moved forward over bytes.
struct LineState {
  std::uint64_t line = 1;
  std::uint64_t code_points = 0;  // since the last newline

  void Advance(const std::uint8_t* from, const std::uint8_t* to) {
    if (from >= to) return;
    const auto size = static_cast<std::size_t>(to - from);
    const void* last = memrchr(from, '\n', size);
    const std::uint8_t* tail = from;
    if (last != nullptr) {
      line += static_cast<std::uint64_t>(std::count(from, to, std::uint8_t{'\n'}));
      code_points = 0;
      tail = static_cast<const std::uint8_t*>(last) + 1;
    }
    code_points +=
        static_cast<std::uint64_t>(std::count_if(tail, to, [](std::uint8_t c) { return !IsContinuation(c); }));
  }
};

// Scans one chunk and reports its candidates in order. `state` holds the
// line and column at data[0] on entry, and at data[size - keep] on return.
Status ScanChunk(hs_database* db, hs_scratch* scratch, bool tokens, Chunk chunk, std::uint64_t base, LineState& state,
                 std::size_t keep, std::vector<RawHit>& hits, const CandidateFn& fn) {
  hits.clear();
  chunk.hits = &hits;
  if (chunk.size > 0) {
    if (tokens) FindTokens(chunk);
    hs_error_t err = hs_scan(db, reinterpret_cast<const char*>(chunk.data), static_cast<unsigned int>(chunk.size), 0,
                             scratch, OnMatch, &chunk);
    if (err != HS_SUCCESS) return Status::Internal("Vectorscan scan failed (error " + std::to_string(err) + ")");
  }
  // Vectorscan reports by end offset; both patterns together may interleave.
  std::sort(hits.begin(), hits.end(), [](const RawHit& a, const RawHit& b) { return a.start < b.start; });
  LineState cursor = state;
  std::size_t at = 0;
  for (const RawHit& hit : hits) {
    cursor.Advance(chunk.data + at, chunk.data + hit.start);
    at = hit.start;
    Candidate candidate{hit.kind,
                        {base + hit.start, cursor.line, cursor.code_points + 1},
                        std::string_view(reinterpret_cast<const char*>(chunk.data + hit.start), hit.length)};
    fn(candidate);
  }
  state.Advance(chunk.data, chunk.data + (chunk.size - keep));
  return Status::Ok();
}

}  // namespace

Detector::~Detector() {
  if (db_ != nullptr) hs_free_database(db_);
}

Detector::Scratch::~Scratch() {
  if (hs != nullptr) hs_free_scratch(hs);
}

Result<std::unique_ptr<Detector>> Detector::Create(const Options& options) {
  std::vector<const char*> patterns = {kIdRegex};
  std::vector<unsigned> ids = {kIdPattern};
  std::vector<unsigned> flags(patterns.size(), 0);
  hs_database_t* db = nullptr;
  hs_compile_error_t* error = nullptr;
  if (hs_compile_multi(patterns.data(), flags.data(), ids.data(), static_cast<unsigned>(patterns.size()), HS_MODE_BLOCK,
                       nullptr, &db, &error) != HS_SUCCESS) {
    std::string message = error != nullptr && error->message != nullptr ? error->message : "unknown error";
    hs_free_compile_error(error);
    return Status::Internal("compiling the scan patterns: " + message,
                            "this CPU may lack SSE4.2/SSSE3, which Vectorscan needs");
  }
  std::unique_ptr<Detector> detector(new Detector());
  detector->db_ = db;
  detector->secret_tokens_ = options.secret_tokens;
  return detector;
}

Result<std::unique_ptr<Detector::Scratch>> Detector::NewScratch() const {
  std::unique_ptr<Scratch> scratch(new Scratch());
  if (hs_alloc_scratch(db_, &scratch->hs) != HS_SUCCESS) {
    return Status::Internal("allocating Vectorscan scratch space failed");
  }
  scratch->buffer = std::make_unique<std::uint8_t[]>(kCarryBytes + kChunkBytes);
  return scratch;
}

Status Detector::ScanStream(Scratch& scratch, const ReadFn& read, const CandidateFn& fn) const {
  std::uint8_t* buffer = scratch.buffer.get();
  std::vector<RawHit> hits;
  LineState state;
  std::uint64_t base = 0;  // stream offset of buffer[0]
  std::size_t carry = 0;
  for (;;) {
    std::size_t size = carry;
    bool final = false;
    // Fill the chunk; a short read (a pipe) is not the end.
    while (size < carry + kChunkBytes) {
      AKV_ASSIGN_OR_RETURN(std::size_t got, read({buffer + size, carry + kChunkBytes - size}));
      if (got == 0) {
        final = true;
        break;
      }
      size += got;
    }
    const std::size_t keep = final ? 0 : std::min(kCarryBytes, size);
    AKV_RETURN_IF_ERROR(
        ScanChunk(db_, scratch.hs, secret_tokens_, {buffer, size, carry, final, nullptr}, base, state, keep, hits, fn));
    if (final) return Status::Ok();
    std::memmove(buffer, buffer + size - keep, keep);
    base += size - keep;
    carry = keep;
  }
}

Status Detector::ScanBuffer(Scratch& scratch, std::span<const std::uint8_t> data, const CandidateFn& fn) const {
  if (data.size() <= std::numeric_limits<unsigned int>::max()) {
    std::vector<RawHit> hits;
    LineState state;
    return ScanChunk(db_, scratch.hs, secret_tokens_, {data.data(), data.size(), 0, true, nullptr}, 0, state, 0, hits,
                     fn);
  }
  std::size_t at = 0;
  return ScanStream(
      scratch,
      [&](std::span<std::uint8_t> out) -> Result<std::size_t> {
        const std::size_t n = std::min(out.size(), data.size() - at);
        std::memcpy(out.data(), data.data() + at, n);
        at += n;
        return n;
      },
      fn);
}

}  // namespace akv::scan
