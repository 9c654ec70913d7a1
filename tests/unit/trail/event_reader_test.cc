// Layout detection, bounded memory on huge records, junk lines, truncation
// and gzip, over in-memory sources fed in small reads.
#include "vault/trail/event_reader.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstring>

namespace akv::trail {
namespace {

// Hands out `data` `step` bytes at a time (a pipe delivering short reads).
class MemorySource : public ByteSource {
 public:
  MemorySource(std::string data, std::size_t step) : data_(std::move(data)), step_(step) {}
  Result<std::size_t> Read(std::uint8_t* buffer, std::size_t capacity) override {
    const std::size_t n = std::min({capacity, step_, data_.size() - pos_});
    std::memcpy(buffer, data_.data() + pos_, n);
    pos_ += n;
    return n;
  }

 private:
  std::string data_;
  std::size_t step_;
  std::size_t pos_ = 0;
};

std::string Gzip(const std::string& text) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&z, text.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string Ev(int n) {
  return R"({"eventTime":"2026-11-05T08:02:33Z","eventName":"E)" + std::to_string(n) +
         R"(","userIdentity":{"accessKeyId":"LTAI5tA"}})";
}

struct Outcome {
  Status status;
  ReadStats stats;
  std::vector<std::string> names;
};

Outcome Read(const std::string& data, std::size_t step = 7, bool gzip = false) {
  Outcome o;
  auto source = Decoded(std::make_unique<MemorySource>(gzip ? Gzip(data) : data, step), "test.json");
  o.status = ReadEvents(
      *source, "test.json", [&](const Event& e) { o.names.push_back(e.event_name); }, o.stats);
  return o;
}

const std::vector<std::string> kThree = {"E1", "E2", "E3"};

TEST(EventReaderTest, EveryLayoutGivesTheSameEvents) {
  const std::string lines = Ev(1) + "\n" + Ev(2) + "\r\n" + Ev(3);  // no final newline, one CRLF
  const std::string array = "[\n  " + Ev(1) + ",\n  " + Ev(2) + ",\n" + Ev(3) + "\n]\n";
  const std::string pages = "{\n \"Events\": [\n" + Ev(1) + ",\n" + Ev(2) + "\n ],\n \"NextToken\": \"a\"\n}\n" +
                            "{\n \"Events\": [" + Ev(3) + "]\n}\n";
  const std::string bom = "\xEF\xBB\xBF" + lines;
  for (std::size_t step : {1u, 7u, 4096u}) {
    for (bool gz : {false, true}) {
      SCOPED_TRACE("step " + std::to_string(step) + (gz ? " gzip" : ""));
      auto l = Read(lines, step, gz);
      ASSERT_TRUE(l.status.ok()) << l.status.ToString();
      EXPECT_EQ(l.names, kThree);
      EXPECT_EQ(l.stats.layout, Layout::kLines);
      auto a = Read(array, step, gz);
      ASSERT_TRUE(a.status.ok()) << a.status.ToString();
      EXPECT_EQ(a.names, kThree);
      EXPECT_EQ(a.stats.layout, Layout::kArray);
      auto p = Read(pages, step, gz);
      ASSERT_TRUE(p.status.ok()) << p.status.ToString();
      EXPECT_EQ(p.names, kThree);
      EXPECT_EQ(p.stats.layout, Layout::kValues);
      EXPECT_EQ(Read(bom, step, gz).names, kThree);
    }
  }
}

TEST(EventReaderTest, JunkLinesAreSkippedAndCounted) {
  auto o = Read(Ev(1) + "\nnot json at all\n\x01\x02\x1b[31m\n{\"eventName\":\n" + Ev(2) + "\n\n" + Ev(3) + "\n");
  ASSERT_TRUE(o.status.ok());
  EXPECT_EQ(o.names, kThree);
  EXPECT_EQ(o.stats.records.malformed, 3);
  // A junk first line still means JSON Lines.
  auto first = Read("garbage\n" + Ev(1) + "\n" + Ev(2) + "\n" + Ev(3) + "\n");
  EXPECT_EQ(first.names, kThree);
  EXPECT_EQ(first.stats.records.malformed, 1);
}

TEST(EventReaderTest, AHundredMegabyteLineIsSkippedInBoundedMemory) {
  std::string big =
      Ev(1) + "\n{\"eventName\":\"" + std::string(100u << 20, 'x') + "\"}\n" + Ev(2) + "\n" + Ev(3) + "\n";
  auto o = Read(big, 1u << 20);
  ASSERT_TRUE(o.status.ok()) << o.status.ToString();
  EXPECT_EQ(o.names, kThree);
  EXPECT_EQ(o.stats.oversized, 1);
  // The same inside an array.
  std::string arr =
      "[" + Ev(1) + ",{\"eventName\":\"" + std::string(20u << 20, 'y') + "\"}," + Ev(2) + "," + Ev(3) + "]";
  auto a = Read(arr, 1u << 20);
  ASSERT_TRUE(a.status.ok()) << a.status.ToString();
  EXPECT_EQ(a.names, kThree);
  EXPECT_EQ(a.stats.oversized, 1);
}

TEST(EventReaderTest, BrokenStructureIsAFormatErrorNamingTheFile) {
  for (const std::string& bad :
       {"[" + Ev(1) + "," + Ev(2), "[" + Ev(1) + " " + Ev(2) + "]", "{\n\"Events\": [" + Ev(1), "[" + Ev(1) + "]]"}) {
    auto o = Read(bad);
    EXPECT_EQ(o.status.code(), Code::kFormat) << bad;
    EXPECT_NE(o.status.message().find("test.json"), std::string::npos);
  }
  // Deep nesting in an array: counted, not recursed.
  auto deep = Read("[" + std::string(2000000, '[') + std::string(2000000, ']') + "," + Ev(1) + "]");
  ASSERT_TRUE(deep.status.ok());
  EXPECT_EQ(deep.names, std::vector<std::string>{"E1"});
}

TEST(EventReaderTest, Gzip) {
  // Two members, as `cat a.gz b.gz` makes.
  const std::string two = Gzip(Ev(1) + "\n" + Ev(2) + "\n") + Gzip(Ev(3) + "\n");
  ReadStats stats;
  std::vector<std::string> names;
  auto source = Decoded(std::make_unique<MemorySource>(two, 5), "two.gz");
  ASSERT_TRUE(ReadEvents(
                  *source, "two.gz", [&](const Event& e) { names.push_back(e.event_name); }, stats)
                  .ok());
  EXPECT_EQ(names, kThree);
  // Truncated: a clear error, whatever was read before it stays read.
  std::string gz = Gzip(Ev(1) + "\n" + Ev(2) + "\n" + Ev(3) + "\n");
  auto cut = Decoded(std::make_unique<MemorySource>(gz.substr(0, gz.size() / 2), 5), "cut.gz");
  ReadStats s2;
  Status st = ReadEvents(
      *cut, "cut.gz", [](const Event&) {}, s2);
  EXPECT_EQ(st.code(), Code::kFormat);
  EXPECT_NE(st.message().find("truncated"), std::string::npos) << st.message();
  // Damaged.
  gz[gz.size() / 2] ^= 0x55;
  gz[gz.size() / 2 + 1] ^= 0x55;
  auto bad = Decoded(std::make_unique<MemorySource>(gz, 4096), "bad.gz");
  ReadStats s3;
  EXPECT_EQ(ReadEvents(
                *bad, "bad.gz", [](const Event&) {}, s3)
                .code(),
            Code::kFormat);
}

TEST(EventReaderTest, EmptyInput) {
  auto o = Read("");
  EXPECT_TRUE(o.status.ok());
  EXPECT_EQ(o.stats.layout, Layout::kEmpty);
  EXPECT_TRUE(Read(" \n\n").names.empty());
}

}  // namespace
}  // namespace akv::trail
