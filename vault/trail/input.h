// Where trail reads its bytes from: a file, a folder of files (an OSS
// delivery download, walked recursively), or standard input, each possibly
// gzip-compressed (detected by its magic bytes, not its name).
//
// A ByteSource is a pull stream. Read() fills at most `capacity` bytes and
// returns how many, 0 at the end; a failure is a Status naming the input
// (kFormat for a damaged or truncated gzip stream, kIo for the disk). The
// only file that includes <zlib.h> is input_gzip.cc.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "vault/status.h"

namespace akv::trail {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual Result<std::size_t> Read(std::uint8_t* buffer, std::size_t capacity) = 0;
};

// Reads from an open descriptor (owned, closed on destruction unless it is
// standard input).
std::unique_ptr<ByteSource> FdSource(int fd, std::string name);

// Wraps `inner`: if its first two bytes are the gzip magic (1f 8b), inflates
// every gzip member in turn (concatenated members, as `cat a.gz b.gz`
// makes, are one stream); otherwise passes the bytes through. A gzip stream
// that ends before its last member is complete is kFormat ("truncated").
std::unique_ptr<ByteSource> Decoded(std::unique_ptr<ByteSource> inner, std::string name);

// The inputs named on the command line as a list of files: "-" stays "-"
// (standard input), a folder becomes every regular file below it (sorted,
// so reports are deterministic), a file stays itself. kNotFound for a path
// that does not exist; kUsage when "-" is given twice.
Result<std::vector<std::string>> ExpandInputs(const std::vector<std::string>& paths);

// Opens one entry of ExpandInputs, decoded.
Result<std::unique_ptr<ByteSource>> OpenInput(const std::string& path);

}  // namespace akv::trail
