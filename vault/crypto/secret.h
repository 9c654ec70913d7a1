// SecretBuffer: the only place a secret (AccessKey Secret, passphrase, vault
// key, file key) lives in memory.
//
// Backed by libsodium's sodium_malloc: guard pages around the allocation,
// mlock'ed so it is not swapped out (a failed mlock only warns, see
// docs/design.md), and wiped by sodium_free when the buffer is destroyed.
// Move-only; there is deliberately no conversion to std::string, so a secret
// cannot slip into an ordinary heap string, a log line or an error message.
//
// SecureArena: one sodium_malloc region for the handful of secrets of one
// short operation (`akvault open`), so that they cost one mmap, one mlock and
// one set of guard pages instead of one each. While a SecureArena::Scope is
// alive on a thread, SecretBuffer(size) on that thread takes its bytes from
// the arena when they fit, and from sodium_malloc as usual when they do not.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace akv {

class SecureArena;

class SecretBuffer {
 public:
  SecretBuffer() = default;
  // Allocates `size` zeroed bytes (from the thread's SecureArena when one is
  // in scope and has room). Aborts on allocation failure (a secret that
  // cannot be held safely must not be held at all).
  explicit SecretBuffer(std::size_t size);
  // Copies `bytes` into a new secret buffer.
  static SecretBuffer CopyOf(std::span<const std::uint8_t> bytes);
  static SecretBuffer CopyOf(std::string_view text);
  ~SecretBuffer();

  SecretBuffer(SecretBuffer&& other) noexcept;
  SecretBuffer& operator=(SecretBuffer&& other) noexcept;
  SecretBuffer(const SecretBuffer&) = delete;
  SecretBuffer& operator=(const SecretBuffer&) = delete;

  std::uint8_t* data() { return data_; }
  const std::uint8_t* data() const { return data_; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  std::span<std::uint8_t> span() { return {data_, size_}; }
  std::span<const std::uint8_t> span() const { return {data_, size_}; }
  // A view of the bytes as text, for code that formats the secret into a
  // credentials file or an environment variable. The view must not outlive
  // the buffer and must never be copied into a std::string.
  std::string_view view() const { return {reinterpret_cast<const char*>(data_), size_}; }

  // Shrinks the logical size (the allocation is kept and still wiped on free).
  void Truncate(std::size_t new_size);
  // Constant-time equality (sodium_memcmp).
  bool Equals(std::span<const std::uint8_t> other) const;

 private:
  void Release();
  std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
  SecureArena* arena_ = nullptr;  // null: data_ is its own sodium_malloc allocation
};

// The arena is one sodium_malloc allocation: guard pages on both sides, a
// canary, mlock'ed (a failed mlock only warns, as for SecretBuffer), excluded
// from core dumps, wiped and unmapped when the arena is destroyed. A buffer
// taken from it is zeroed when taken and wiped when released. What it gives
// up is a guard page between two secrets of the same operation.
//
// Lifetime: every SecretBuffer taken from an arena must be destroyed before
// the arena (declare the arena first). Destroying an arena that still has a
// live buffer is a bug and aborts, never a silent use after free.
class SecureArena {
 public:
  explicit SecureArena(std::size_t capacity);
  ~SecureArena();
  SecureArena(const SecureArena&) = delete;
  SecureArena& operator=(const SecureArena&) = delete;

  // Makes `arena` the calling thread's arena until the Scope ends (scopes
  // nest; the previous one comes back).
  class Scope {
   public:
    explicit Scope(SecureArena& arena);
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    SecureArena* previous_;
  };

  std::size_t capacity() const { return capacity_; }
  std::size_t used() const { return used_; }
  std::size_t live_buffers() const { return live_; }

 private:
  friend class SecretBuffer;
  // `size` bytes, or nullptr when they do not fit (the caller falls back).
  std::uint8_t* Take(std::size_t size);
  // Wipes a buffer from Take and gives its bytes back.
  void Give(std::uint8_t* data, std::size_t size);

  std::uint8_t* base_ = nullptr;
  std::size_t capacity_ = 0;
  std::size_t used_ = 0;
  std::size_t live_ = 0;
};

}  // namespace akv
