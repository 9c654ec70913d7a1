// gzip decoding for trail inputs (OSS deliveries are .gz files). zlib is
// linked statically into the akvault binary (see the top-level CMakeLists).
#include <zlib.h>

#include <cstring>
#include <vector>

#include "vault/trail/input.h"

namespace akv::trail {
namespace {

constexpr std::size_t kInChunk = 256 * 1024;

class DecodedSource final : public ByteSource {
 public:
  DecodedSource(std::unique_ptr<ByteSource> inner, std::string name)
      : inner_(std::move(inner)), name_(std::move(name)), in_(kInChunk) {}
  ~DecodedSource() override {
    if (zinit_) inflateEnd(&z_);
  }
  DecodedSource(const DecodedSource&) = delete;
  DecodedSource& operator=(const DecodedSource&) = delete;

  Result<std::size_t> Read(std::uint8_t* buffer, std::size_t capacity) override {
    if (!sniffed_) AKV_RETURN_IF_ERROR(Sniff());
    if (!gzip_) return Passthrough(buffer, capacity);
    return Inflate(buffer, capacity);
  }

 private:
  Status Fill() {
    AKV_ASSIGN_OR_RETURN(std::size_t n, inner_->Read(in_.data(), in_.size()));
    in_pos_ = 0;
    in_len_ = n;
    if (n == 0) eof_ = true;
    return Status::Ok();
  }

  Status Sniff() {
    sniffed_ = true;
    // Two bytes may arrive in two reads (a pipe).
    while (in_len_ < 2 && !eof_) {
      AKV_ASSIGN_OR_RETURN(std::size_t n, inner_->Read(in_.data() + in_len_, in_.size() - in_len_));
      if (n == 0) eof_ = true;
      in_len_ += n;
    }
    gzip_ = in_len_ >= 2 && in_[0] == 0x1f && in_[1] == 0x8b;
    if (gzip_) {
      std::memset(&z_, 0, sizeof z_);
      if (inflateInit2(&z_, 15 + 16) != Z_OK) return Status::Internal("zlib failed to start");
      zinit_ = true;
    }
    return Status::Ok();
  }

  Result<std::size_t> Passthrough(std::uint8_t* buffer, std::size_t capacity) {
    if (in_pos_ < in_len_) {
      const std::size_t n = std::min(capacity, in_len_ - in_pos_);
      std::memcpy(buffer, in_.data() + in_pos_, n);
      in_pos_ += n;
      return n;
    }
    if (eof_) return std::size_t{0};
    return inner_->Read(buffer, capacity);
  }

  Result<std::size_t> Inflate(std::uint8_t* buffer, std::size_t capacity) {
    z_.next_out = buffer;
    z_.avail_out = static_cast<uInt>(std::min<std::size_t>(capacity, 1u << 30));
    for (;;) {
      if (member_done_) {
        // After a member: more bytes mean another member; none, the end.
        if (in_pos_ == in_len_ && !eof_) AKV_RETURN_IF_ERROR(Fill());
        if (in_pos_ == in_len_) return std::size_t{0};
        if (inflateReset(&z_) != Z_OK) return Status::Internal("zlib failed to reset");
        member_done_ = false;
      }
      if (in_pos_ == in_len_) {
        if (!eof_) AKV_RETURN_IF_ERROR(Fill());
        if (in_pos_ == in_len_) {
          return Status::Format(name_ + ": the gzip stream is truncated (it ends inside compressed data)",
                                "download the file again");
        }
      }
      z_.next_in = in_.data() + in_pos_;
      z_.avail_in = static_cast<uInt>(in_len_ - in_pos_);
      const int rc = inflate(&z_, Z_NO_FLUSH);
      in_pos_ = in_len_ - z_.avail_in;
      if (rc == Z_STREAM_END) {
        member_done_ = true;
      } else if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT) {
        return Status::Format(name_ + ": the gzip data is damaged (" + std::string(z_.msg ? z_.msg : "bad data") + ")",
                              "download the file again");
      } else if (rc == Z_MEM_ERROR) {
        return Status::Internal("out of memory while decompressing " + name_);
      } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
        return Status::Format(name_ + ": the gzip data cannot be read", "download the file again");
      }
      if (z_.next_out != buffer) return static_cast<std::size_t>(z_.next_out - buffer);
    }
  }

  std::unique_ptr<ByteSource> inner_;
  std::string name_;
  std::vector<std::uint8_t> in_;
  std::size_t in_pos_ = 0;
  std::size_t in_len_ = 0;
  bool eof_ = false;
  bool sniffed_ = false;
  bool gzip_ = false;
  bool zinit_ = false;
  bool member_done_ = false;
  z_stream z_{};
};

}  // namespace

std::unique_ptr<ByteSource> Decoded(std::unique_ptr<ByteSource> inner, std::string name) {
  return std::make_unique<DecodedSource>(std::move(inner), std::move(name));
}

}  // namespace akv::trail
