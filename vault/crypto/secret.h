// SecretBuffer: the only place a secret (AccessKey Secret, passphrase, vault
// key, file key) lives in memory.
//
// Backed by libsodium's sodium_malloc: guard pages around the allocation,
// mlock'ed so it is not swapped out (a failed mlock only warns, see
// docs/design.md), and wiped by sodium_free when the buffer is destroyed.
// Move-only; there is deliberately no conversion to std::string, so a secret
// cannot slip into an ordinary heap string, a log line or an error message.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace akv {

class SecretBuffer {
 public:
  SecretBuffer() = default;
  // Allocates `size` zeroed bytes. Aborts on allocation failure (a secret
  // that cannot be held safely must not be held at all).
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
};

}  // namespace akv
