// SecretText: builds text that contains a secret (a credentials file, the
// bundle payload, an identity file) directly in secure memory.
//
// The same emitting function runs twice: once against a counting sink to
// learn the exact size, then against a sink that writes into a SecretBuffer
// of that size. So the secret never passes through a growing std::string,
// whose reallocations would leave unwiped copies on the ordinary heap.
#pragma once

#include <cstdlib>
#include <cstring>
#include <string_view>
#include <utility>

#include "vault/crypto/secret.h"

namespace akv {

class SecretTextSink {
 public:
  SecretTextSink() = default;  // counting only
  explicit SecretTextSink(std::size_t capacity) : buffer_(capacity), writing_(true) {}

  void Put(std::string_view text) {
    if (writing_) {
      if (text.size() > buffer_.size() - size_) std::abort();  // emit is not deterministic: a bug
      if (!text.empty()) std::memcpy(buffer_.data() + size_, text.data(), text.size());
    }
    size_ += text.size();
  }
  void Put(char c) { Put(std::string_view(&c, 1)); }
  std::size_t size() const { return size_; }
  SecretBuffer Finish() && {
    if (size_ != buffer_.size()) std::abort();
    return std::move(buffer_);
  }

 private:
  SecretBuffer buffer_;
  std::size_t size_ = 0;
  bool writing_ = false;
};

// Runs `emit(SecretTextSink&)` twice (measure, then write) and returns the text.
template <typename EmitFn>
SecretBuffer BuildSecretText(EmitFn&& emit) {
  SecretTextSink counter;
  emit(counter);
  SecretTextSink writer(counter.size());
  emit(writer);
  return std::move(writer).Finish();
}

}  // namespace akv
