// Fuzz target for the console CSV parser (vault/import/csv.h): arbitrary
// bytes must never crash it, and whatever it accepts or refuses must keep its
// promises: accepted rows hold a valid ID and a secret that is a slice of the
// input; a refusal is one line, kFormat (kConflict for an ID on two rows).
#include <cstdint>
#include <cstdlib>

#include "vault/crypto/init.h"
#include "vault/import/csv.h"
#include "vault/key_record.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool initialised = akv::InitCrypto().ok();
  if (!initialised) std::abort();
  const akv::SecretBuffer content = akv::SecretBuffer::CopyOf(std::span<const std::uint8_t>(data, size));
  akv::Result<akv::CsvParseResult> result = akv::ParseConsoleCsv(content, "fuzz.csv");
  if (!result.ok()) {
    const akv::Code code = result.status().code();
    if (code != akv::Code::kFormat && code != akv::Code::kConflict) std::abort();
    if (result.status().message().find('\n') != std::string::npos) std::abort();
    return 0;
  }
  if (result->rows.empty()) std::abort();
  for (const akv::CsvKeyRow& row : result->rows) {
    if (!akv::ValidateAccessKeyId(row.akid).ok()) std::abort();
    if (!akv::ValidateSecret(akv::AsText(row.secret)).ok()) std::abort();
    if (row.secret.data() < content.data() || row.secret.data() + row.secret.size() > content.data() + content.size()) {
      std::abort();
    }
    if (row.line < 2) std::abort();
  }
  return 0;
}
