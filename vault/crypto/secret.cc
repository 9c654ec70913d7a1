#include "vault/crypto/secret.h"

#include <sodium.h>

#include <cstdlib>
#include <cstring>
#include <utility>

namespace akv {
namespace {

// Slices are 16-byte aligned, like sodium_malloc's pointers for these sizes.
constexpr std::size_t kArenaAlign = 16;

std::size_t RoundUp(std::size_t size) { return (size + kArenaAlign - 1) & ~(kArenaAlign - 1); }

thread_local SecureArena* current_arena = nullptr;

}  // namespace

SecretBuffer::SecretBuffer(std::size_t size) : size_(size), capacity_(size == 0 ? 1 : size) {
  // sodium_malloc(0) is valid but returns a pointer we must still free; keep
  // one byte so data() is never null for a live buffer.
  if (current_arena != nullptr) {
    data_ = current_arena->Take(capacity_);
    if (data_ != nullptr) {
      arena_ = current_arena;
      sodium_memzero(data_, capacity_);
      return;
    }
  }
  void* p = sodium_malloc(capacity_);
  if (p == nullptr) std::abort();
  data_ = static_cast<std::uint8_t*>(p);
  sodium_memzero(data_, capacity_);
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
      capacity_(std::exchange(other.capacity_, 0)),
      arena_(std::exchange(other.arena_, nullptr)) {}

SecretBuffer& SecretBuffer::operator=(SecretBuffer&& other) noexcept {
  if (this != &other) {
    Release();
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    capacity_ = std::exchange(other.capacity_, 0);
    arena_ = std::exchange(other.arena_, nullptr);
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
  if (arena_ != nullptr) {
    arena_->Give(data_, capacity_);  // wipes
  } else if (data_ != nullptr) {
    sodium_free(data_);  // wipes before unmapping
  }
  data_ = nullptr;
  size_ = 0;
  capacity_ = 0;
  arena_ = nullptr;
}

SecureArena::SecureArena(std::size_t capacity) : capacity_(RoundUp(capacity == 0 ? 1 : capacity)) {
  void* p = sodium_malloc(capacity_);
  if (p == nullptr) std::abort();
  base_ = static_cast<std::uint8_t*>(p);
  sodium_memzero(base_, capacity_);
}

SecureArena::~SecureArena() {
  // A buffer still pointing into the arena would be used after free.
  if (live_ != 0) std::abort();
  sodium_free(base_);  // wipes before unmapping
}

std::uint8_t* SecureArena::Take(std::size_t size) {
  const std::size_t rounded = RoundUp(size);
  if (rounded < size || rounded > capacity_ - used_) return nullptr;
  std::uint8_t* slice = base_ + used_;
  used_ += rounded;
  ++live_;
  return slice;
}

void SecureArena::Give(std::uint8_t* data, std::size_t size) {
  const std::size_t rounded = RoundUp(size);
  sodium_memzero(data, rounded);
  --live_;
  if (live_ == 0) {
    used_ = 0;
  } else if (data + rounded == base_ + used_) {
    used_ -= rounded;  // the most recent slice: its bytes can be taken again
  }
}

SecureArena::Scope::Scope(SecureArena& arena) : previous_(std::exchange(current_arena, &arena)) {}

SecureArena::Scope::~Scope() { current_arena = previous_; }

}  // namespace akv
