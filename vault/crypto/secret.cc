#include "vault/crypto/secret.h"

#include <sodium.h>

#include <cstdlib>
#include <cstring>
#include <utility>

namespace akv {

SecretBuffer::SecretBuffer(std::size_t size) : size_(size), capacity_(size) {
  // sodium_malloc(0) is valid but returns a pointer we must still free; keep
  // one byte so data() is never null for a live buffer.
  void* p = sodium_malloc(size == 0 ? 1 : size);
  if (p == nullptr) std::abort();
  data_ = static_cast<std::uint8_t*>(p);
  sodium_memzero(data_, size == 0 ? 1 : size);
  if (capacity_ == 0) capacity_ = 1;
}

SecretBuffer SecretBuffer::CopyOf(std::span<const std::uint8_t> bytes) {
  SecretBuffer buffer(bytes.size());
  if (!bytes.empty()) std::memcpy(buffer.data_, bytes.data(), bytes.size());
  return buffer;
}

SecretBuffer SecretBuffer::CopyOf(std::string_view text) {
  return CopyOf(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

SecretBuffer::~SecretBuffer() { Release(); }

SecretBuffer::SecretBuffer(SecretBuffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      capacity_(std::exchange(other.capacity_, 0)) {}

SecretBuffer& SecretBuffer::operator=(SecretBuffer&& other) noexcept {
  if (this != &other) {
    Release();
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    capacity_ = std::exchange(other.capacity_, 0);
  }
  return *this;
}

void SecretBuffer::Truncate(std::size_t new_size) {
  if (new_size >= size_) return;
  sodium_memzero(data_ + new_size, size_ - new_size);
  size_ = new_size;
}

bool SecretBuffer::Equals(std::span<const std::uint8_t> other) const {
  if (other.size() != size_) return false;
  if (size_ == 0) return true;
  return sodium_memcmp(data_, other.data(), size_) == 0;
}

void SecretBuffer::Release() {
  if (data_ != nullptr) sodium_free(data_);  // wipes before unmapping
  data_ = nullptr;
  size_ = 0;
  capacity_ = 0;
}

}  // namespace akv
