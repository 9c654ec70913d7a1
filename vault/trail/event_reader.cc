#include "vault/trail/event_reader.h"

#include <cstring>
#include <vector>

#include "vault/trail/json_scan.h"

namespace akv::trail {

const char* LayoutName(Layout layout) {
  switch (layout) {
    case Layout::kEmpty:
      return "empty";
    case Layout::kLines:
      return "json-lines";
    case Layout::kArray:
      return "json-array";
    case Layout::kValues:
      return "json-values";
  }
  return "unknown";
}

namespace {

constexpr std::size_t kChunk = 1u << 20;

// A window over the stream: [begin, end) of `buf` holds unconsumed bytes.
class Window {
 public:
  explicit Window(ByteSource& source, ReadStats& stats) : source_(source), stats_(stats), buf_(kChunk * 2) {}

  const char* begin() const { return buf_.data() + pos_; }
  const char* end() const { return buf_.data() + len_; }
  bool eof() const { return eof_; }
  void Consume(const char* to) { pos_ = static_cast<std::size_t>(to - buf_.data()); }
  std::size_t offset(const char* at) const { return base_ + static_cast<std::size_t>(at - buf_.data()); }
  std::size_t kept() const { return len_ - pos_; }

  // Reads more bytes after what is kept (moving it to the front first).
  // Returns false at the end of the input.
  Result<bool> More() {
    if (eof_) return false;
    if (pos_ > 0) {
      std::memmove(buf_.data(), buf_.data() + pos_, len_ - pos_);
      base_ += pos_;
      len_ -= pos_;
      pos_ = 0;
    }
    if (buf_.size() - len_ < kChunk) buf_.resize(len_ + kChunk);
    AKV_ASSIGN_OR_RETURN(std::size_t n, source_.Read(reinterpret_cast<std::uint8_t*>(buf_.data()) + len_, kChunk));
    if (n == 0) {
      eof_ = true;
      return false;
    }
    len_ += n;
    stats_.bytes += static_cast<std::int64_t>(n);
    return true;
  }

  // Drops everything kept (a record too large to keep).
  void Drop() {
    base_ += len_;
    pos_ = len_ = 0;
    if (buf_.size() > kChunk * 2) {
      buf_.resize(kChunk * 2);
      buf_.shrink_to_fit();
    }
  }

 private:
  ByteSource& source_;
  ReadStats& stats_;
  std::vector<char> buf_;
  std::size_t pos_ = 0, len_ = 0, base_ = 0;
  bool eof_ = false;
};

Status Broken(const std::string& name, std::size_t offset, const std::string& what) {
  return Status::Format(name + ": " + what + " at byte " + std::to_string(offset),
                        "the file is truncated or not ActionTrail JSON; download it again");
}

// One JSON value per line.
Status ReadLines(Window& w, RecordParser& parser, ReadStats& stats) {
  bool skipping = false;  // inside a line too long to keep
  for (;;) {
    const char* p = w.begin();
    const char* end = w.end();
    while (p < end) {
      const void* nl = std::memchr(p, '\n', static_cast<std::size_t>(end - p));
      if (!nl) break;
      const char* line_end = static_cast<const char*>(nl);
      if (skipping) {
        skipping = false;
      } else {
        parser.Parse(std::string_view(p, static_cast<std::size_t>(line_end - p)), stats.records);
      }
      p = line_end + 1;
    }
    w.Consume(p);
    if (!skipping && w.kept() > kMaxRecordBytes) {
      ++stats.oversized;
      skipping = true;
    }
    if (skipping) w.Drop();
    AKV_ASSIGN_OR_RETURN(bool more, w.More());
    if (!more) break;
  }
  if (!skipping && w.kept() > 0) parser.Parse(std::string_view(w.begin(), w.kept()), stats.records);
  return Status::Ok();
}

// Finds the end of the value starting at w.begin(), reading more as needed.
// Returns the end, or nullptr when the value was too large and was skipped
// (counted); `at_eof` when the input ended inside it.
Result<const char*> ScanValue(Window& w, ReadStats& stats, bool& at_eof) {
  json::ValueScanner scanner;
  std::size_t scanned = 0;  // bytes of the value already fed
  bool dropped = false;
  at_eof = false;
  for (;;) {
    const char* from = w.begin() + (dropped ? 0 : scanned);
    const char* done = scanner.Feed(from, w.end());
    if (scanner.malformed()) return Status::Format("a closing bracket with no opening one");
    if (done) {
      if (dropped) {
        w.Consume(done);
        return static_cast<const char*>(nullptr);
      }
      return done;
    }
    if (dropped) {
      w.Drop();
    } else {
      scanned = w.kept();
      if (scanned > kMaxRecordBytes) {
        ++stats.oversized;
        dropped = true;
        w.Drop();
      }
    }
    AKV_ASSIGN_OR_RETURN(bool more, w.More());
    if (!more) {
      if (scanner.in_scalar() && !dropped) return w.end();
      at_eof = true;
      return static_cast<const char*>(nullptr);
    }
  }
}

// Skips whitespace, reading more as needed; false at the end of the input.
Result<bool> NextNonSpace(Window& w) {
  for (;;) {
    const char* p = json::SkipWs(w.begin(), w.end());
    w.Consume(p);
    if (p < w.end()) return true;
    AKV_ASSIGN_OR_RETURN(bool more, w.More());
    if (!more) return false;
  }
}

// One value (an array's element, or a top-level value), parsed if kept.
Status ReadOneValue(Window& w, RecordParser& parser, ReadStats& stats, const std::string& name) {
  const char* start = w.begin();
  const std::size_t offset = w.offset(start);
  bool at_eof = false;
  auto done = ScanValue(w, stats, at_eof);
  if (!done.ok()) return Broken(name, offset, done.status().message());
  if (at_eof) return Broken(name, w.offset(w.end()), "the input ends inside a JSON value");
  if (*done) {
    start = w.begin();  // the window may have moved
    parser.Parse(std::string_view(start, static_cast<std::size_t>(*done - start)), stats.records);
    w.Consume(*done);
  }
  return Status::Ok();
}

Status ReadArray(Window& w, RecordParser& parser, ReadStats& stats, const std::string& name) {
  w.Consume(w.begin() + 1);  // '['
  AKV_ASSIGN_OR_RETURN(bool any, NextNonSpace(w));
  if (!any) return Broken(name, w.offset(w.end()), "the input ends inside a JSON array");
  if (*w.begin() == ']') {
    w.Consume(w.begin() + 1);
    return Status::Ok();
  }
  for (;;) {
    AKV_RETURN_IF_ERROR(ReadOneValue(w, parser, stats, name));
    AKV_ASSIGN_OR_RETURN(bool more, NextNonSpace(w));
    if (!more) return Broken(name, w.offset(w.end()), "the input ends inside a JSON array");
    const char c = *w.begin();
    w.Consume(w.begin() + 1);
    if (c == ']') return Status::Ok();
    if (c != ',') return Broken(name, w.offset(w.begin()) - 1, "expected ',' or ']' in the array");
    AKV_ASSIGN_OR_RETURN(bool next, NextNonSpace(w));
    if (!next) return Broken(name, w.offset(w.end()), "the input ends inside a JSON array");
  }
}

// True when the value at the window's start ends on its first line (so the
// input is JSON Lines). Reads up to the first newline.
Result<bool> FirstValueIsOneLine(Window& w) {
  for (;;) {
    const char* nl = static_cast<const char*>(std::memchr(w.begin(), '\n', w.kept()));
    if (nl || w.eof() || w.kept() > kMaxRecordBytes) {
      const char* line_end = nl ? nl : w.end();
      const char* after = json::SkipValue(w.begin(), line_end);
      if (after) return json::SkipWs(after, line_end) == line_end;
      // Not a complete value on its line: a pretty-printed object if it
      // starts one and the line has no other trouble, else a junk line.
      return !(w.begin() < line_end && *w.begin() == '{' && nl);
    }
    AKV_ASSIGN_OR_RETURN(bool more, w.More());
    (void)more;
  }
}

}  // namespace

Status ReadEvents(ByteSource& source, const std::string& name, const EventSink& sink, ReadStats& stats) {
  Window w(source, stats);
  RecordParser parser(sink);
  AKV_ASSIGN_OR_RETURN(bool any, NextNonSpace(w));
  // A UTF-8 byte order mark, as some Windows tools write (its three bytes
  // may come in separate reads).
  while (any && w.kept() < 3 && static_cast<unsigned char>(*w.begin()) == 0xEF) {
    AKV_ASSIGN_OR_RETURN(bool more, w.More());
    if (!more) break;
  }
  if (any && w.kept() >= 3 && std::memcmp(w.begin(), "\xEF\xBB\xBF", 3) == 0) {
    w.Consume(w.begin() + 3);
    AKV_ASSIGN_OR_RETURN(any, NextNonSpace(w));
  }
  if (!any) {
    stats.layout = Layout::kEmpty;
    return Status::Ok();
  }
  if (*w.begin() == '[') {
    stats.layout = Layout::kArray;
    // Several arrays one after another (pages saved in one file) are read
    // in turn.
    for (;;) {
      AKV_RETURN_IF_ERROR(ReadArray(w, parser, stats, name));
      AKV_ASSIGN_OR_RETURN(bool more, NextNonSpace(w));
      if (!more) return Status::Ok();
      if (*w.begin() != '[') return Broken(name, w.offset(w.begin()), "unexpected data after the JSON array");
    }
  }
  AKV_ASSIGN_OR_RETURN(bool lines, FirstValueIsOneLine(w));
  if (lines) {
    stats.layout = Layout::kLines;
    return ReadLines(w, parser, stats);
  }
  stats.layout = Layout::kValues;
  for (;;) {
    AKV_ASSIGN_OR_RETURN(bool more, NextNonSpace(w));
    if (!more) return Status::Ok();
    AKV_RETURN_IF_ERROR(ReadOneValue(w, parser, stats, name));
  }
}

}  // namespace akv::trail
