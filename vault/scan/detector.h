// Detector: finds candidate AccessKey IDs (with Vectorscan, the maintained
// fork of Hyperscan) and 30-character secret tokens (a sampling scan, see
// detector.cc) in a stream of bytes.
//
// Candidates are well-formed and bounded (id_rules.h): "LTAI" + exactly 12 or
// 20 ASCII letters or digits, and (when asked for) runs of exactly 30 ASCII
// letters and digits, each with no ASCII letter or digit on either side.
// Whether an ID is a placeholder, and whether a token is one of the vault's
// secrets, is for the caller to decide (scanner.h).
//
// A Detector is compiled once and shared by every thread; each thread scans
// with a Scratch of its own. Memory is bounded: a stream is read in chunks of
// kChunkBytes into the Scratch's buffer, whatever its size.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string_view>

#include "vault/status.h"

struct hs_database;
struct hs_scratch;

namespace akv::scan {

enum class CandidateKind : std::uint8_t { kAccessKeyId, kSecretToken };

// Where a candidate is: 0-based byte offset, 1-based line, and 1-based column
// in Unicode code points (bytes that are not UTF-8 continuation bytes), as an
// editor shows it.
struct Position {
  std::uint64_t offset = 0;
  std::uint64_t line = 1;
  std::uint64_t column = 1;
};

// A candidate's bytes are a view into the scan buffer, valid only during the
// callback. For a secret token they are input the caller must not copy into
// ordinary memory (it fingerprints them in place).
struct Candidate {
  CandidateKind kind;
  Position position;
  std::string_view text;
};
using CandidateFn = std::function<void(const Candidate&)>;

// Reads up to `out.size()` bytes into `out`; 0 at the end of the input.
using ReadFn = std::function<Result<std::size_t>(std::span<std::uint8_t> out)>;

class Detector {
 public:
  struct Options {
    bool secret_tokens = true;  // also report 30-character tokens
  };
  static Result<std::unique_ptr<Detector>> Create(const Options& options);
  ~Detector();
  Detector(const Detector&) = delete;
  Detector& operator=(const Detector&) = delete;

  bool secret_tokens() const { return secret_tokens_; }

  // Per-thread state: the Vectorscan scratch and the chunk buffer.
  class Scratch {
   public:
    ~Scratch();
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;

   private:
    friend class Detector;
    Scratch() = default;
    hs_scratch* hs = nullptr;
    std::unique_ptr<std::uint8_t[]> buffer;
  };
  Result<std::unique_ptr<Scratch>> NewScratch() const;

  // Scans a whole stream, calling `fn` for every candidate in order of
  // position. Fails only when `read` fails (its Status is returned).
  Status ScanStream(Scratch& scratch, const ReadFn& read, const CandidateFn& fn) const;
  // Scans bytes already in memory (a git blob), the same way.
  Status ScanBuffer(Scratch& scratch, std::span<const std::uint8_t> data, const CandidateFn& fn) const;

  // Chunk size: fits the second-level cache of a core, so the line count
  // that follows the pattern scan reads cached bytes.
  static constexpr std::size_t kChunkBytes = 256 * 1024;
  // Bytes of the previous chunk kept in front of the next one: more than the
  // longest candidate plus the byte on each side.
  static constexpr std::size_t kCarryBytes = 64;

 private:
  Detector() = default;
  hs_database* db_ = nullptr;
  bool secret_tokens_ = true;
};

}  // namespace akv::scan
