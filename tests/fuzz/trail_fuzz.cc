// Fuzz target for the ActionTrail reader (vault/trail): arbitrary bytes,
// gzip or not, through layout detection, the record parser, the analysis
// and all three report writers, and through the inventory loader. Nothing
// may crash, hang or recurse; a refusal is kFormat with a one-line message.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include "vault/trail/analysis.h"
#include "vault/trail/event_reader.h"
#include "vault/trail/inventory.h"
#include "vault/trail/report_output.h"

namespace {

class Bytes final : public akv::trail::ByteSource {
 public:
  Bytes(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  akv::Result<std::size_t> Read(std::uint8_t* buffer, std::size_t capacity) override {
    // Short reads, so chunk boundaries fall everywhere.
    const std::size_t n = std::min({capacity, size_ - pos_, std::size_t{4093}});
    std::memcpy(buffer, data_ + pos_, n);
    pos_ += n;
    return n;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

void CheckRefusal(const akv::Status& s) {
  if (s.ok()) return;
  if (s.code() != akv::Code::kFormat) std::abort();
  if (s.message().find('\n') != std::string::npos) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace akv::trail;
  std::unordered_map<std::string, VaultKey> vault;
  VaultKey& k = vault["LTAI5tEXAMPLEFAKEKEY0002"];
  k.meta.akid = "LTAI5tEXAMPLEFAKEKEY0002";
  k.meta.owner = "ci";
  NetworkPolicy policy;
  (void)AddPolicyEntry(policy, "203.0.113.0/28");
  (void)Normalize(policy);
  k.policy = policy;

  Aggregator agg(Window{}, &vault);
  ReadStats stats;
  auto source = Decoded(std::make_unique<Bytes>(data, size), "fuzz");
  CheckRefusal(ReadEvents(
      *source, "fuzz", [&](const Event& e) { agg.Observe(e); }, stats));

  Inventory inventory;
  auto inv_source = Decoded(std::make_unique<Bytes>(data, size), "fuzz");
  CheckRefusal(inventory.Load(*inv_source, "fuzz"));

  const Report report = BuildReport(agg, vault, inventory, true);
  InputSummary summary;
  summary.records = stats.records;
  ReportContext ctx;
  ctx.agg = &agg;
  ctx.report = &report;
  ctx.input = &summary;
  std::ostringstream text, json, html;
  WriteText(text, ctx);
  WriteJson(json, ctx);
  WriteHtml(html, ctx);
  // No raw control byte reaches the text report, no markup from the input the page.
  for (char c : text.str()) {
    if ((static_cast<unsigned char>(c) < 0x20 && c != '\n') || c == 0x7f) std::abort();
  }
  if (html.str().find("<script") != std::string::npos) std::abort();
  return 0;
}
