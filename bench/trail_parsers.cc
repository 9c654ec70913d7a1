// The JSON reader choice for `akvault trail` (docs/design.md, "Reading
// ActionTrail events"): the same job, per-key call counts and the VPC /
// internet split over a JSON Lines file of events, done three ways, timed
// in one process on the same bytes already in memory:
//   akvault   the trail reader (vault/trail: RecordParser over each line)
//   nlohmann  nlohmann::json::sax_parse with a SAX handler that keeps only
//             userIdentity.accessKeyId and vpcId
//   simdjson  simdjson 3 On Demand, iterate_many over the whole buffer
// Usage: trail_parsers FILE.jsonl [rounds]
#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "vault/trail/record_parser.h"

namespace {

struct Counts {
  std::int64_t calls = 0, vpc = 0;
};
using Table = std::unordered_map<std::string, Counts>;

void Add(Table& t, std::string_view akid, bool vpc) {
  if (akid.empty() || akid.substr(0, 4) == "STS.") return;
  Counts& c = t[std::string(akid)];
  ++c.calls;
  c.vpc += vpc;
}

template <class Fn>
void ForEachLine(const std::string& text, Fn&& fn) {
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    fn(std::string_view(text.data() + start, nl - start));
    start = nl + 1;
  }
}

Table WithAkvault(const std::string& text) {
  Table t;
  akv::trail::RecordParser parser([&](const akv::trail::Event& e) { Add(t, e.access_key_id, !e.vpc_id.empty()); });
  akv::trail::RecordCounts counts;
  ForEachLine(text, [&](std::string_view line) { parser.Parse(line, counts); });
  return t;
}

// Keeps the key path of the current value; records the two fields.
struct Sax : nlohmann::json_sax<nlohmann::json> {
  std::vector<std::string> keys;  // key at each open object level
  int depth = 0;
  std::string akid;
  bool vpc = false;
  bool key(string_t& k) override {
    if (static_cast<int>(keys.size()) < depth) keys.resize(depth);
    keys[depth - 1] = k;
    return true;
  }
  bool string(string_t& s) override {
    if (depth == 1 && keys[0] == "vpcId") vpc = !s.empty();
    if (depth == 2 && keys[0] == "userIdentity" && keys[1] == "accessKeyId") akid = s;
    return true;
  }
  bool start_object(std::size_t) override {
    ++depth;
    return true;
  }
  bool end_object() override {
    --depth;
    return true;
  }
  bool start_array(std::size_t) override {
    ++depth;
    if (static_cast<int>(keys.size()) < depth) keys.resize(depth);
    keys[depth - 1].clear();
    return true;
  }
  bool end_array() override {
    --depth;
    return true;
  }
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }
};

Table WithNlohmann(const std::string& text) {
  Table t;
  Sax sax;
  ForEachLine(text, [&](std::string_view line) {
    sax.depth = 0;
    sax.akid.clear();
    sax.vpc = false;
    if (nlohmann::json::sax_parse(line.begin(), line.end(), &sax)) Add(t, sax.akid, sax.vpc);
  });
  return t;
}

Table WithSimdjson(const std::string& text) {
  Table t;
  simdjson::ondemand::parser parser;
  simdjson::padded_string padded(text);
  simdjson::ondemand::document_stream docs;
  if (parser.iterate_many(padded, 1u << 24).get(docs)) return t;
  for (auto doc : docs) {
    std::string_view akid;
    bool vpc = false;
    simdjson::ondemand::object obj;
    if (doc.get_object().get(obj)) continue;
    for (auto field : obj) {
      std::string_view k;
      if (field.unescaped_key().get(k)) break;
      if (k == "vpcId") {
        std::string_view v;
        vpc = !field.value().get_string().get(v) && !v.empty();
      } else if (k == "userIdentity") {
        simdjson::ondemand::object id;
        if (field.value().get_object().get(id)) continue;
        for (auto f : id) {
          std::string_view ik;
          if (f.unescaped_key().get(ik)) break;
          if (ik == "accessKeyId") (void)f.value().get_string().get(akid);
        }
      }
    }
    Add(t, akid, vpc);
  }
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: trail_parsers FILE.jsonl [rounds]\n");
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 3;
  struct Way {
    const char* name;
    Table (*fn)(const std::string&);
    std::vector<double> seconds;
    Table result;
  } ways[] = {
      {"akvault", WithAkvault, {}, {}}, {"nlohmann-sax", WithNlohmann, {}, {}}, {"simdjson", WithSimdjson, {}, {}}};
  for (int r = 0; r < rounds; ++r) {
    for (Way& w : ways) {
      const auto t0 = std::chrono::steady_clock::now();
      w.result = w.fn(text);
      w.seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
  }
  const double mb = static_cast<double>(text.size()) / 1e6;
  for (Way& w : ways) {
    std::sort(w.seconds.begin(), w.seconds.end());
    const double median = w.seconds[w.seconds.size() / 2];
    std::int64_t calls = 0;
    for (const auto& [k, c] : w.result) calls += c.calls;
    std::printf(
        "%-13s median %.3f s  %7.0f MB/s  keys %zu calls %lld  agrees %s\n", w.name, median, mb / median,
        w.result.size(), static_cast<long long>(calls),
        w.result.size() == ways[0].result.size() && calls ==
                                                        [&] {
                                                          std::int64_t n = 0;
                                                          for (const auto& [k, c] : ways[0].result) n += c.calls;
                                                          return n;
                                                        }()
            ? "yes"
            : "NO");
  }
  return 0;
}
