#include "protocol/frame_decoder.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "protocol/frame.h"

namespace netdisk::protocol {

FrameDecoder::FrameDecoder(std::size_t max_frame_bytes) : max_frame_(max_frame_bytes) {}

std::span<char> FrameDecoder::prepare(std::size_t min_bytes) {
  if (buffer_.size() - end_ < min_bytes) {
    // Move the unconsumed bytes to the front first; grow only if that is not enough.
    std::size_t pending = buffered();
    if (begin_ > 0) {
      std::memmove(buffer_.data(), buffer_.data() + begin_, pending);
      begin_ = 0;
      end_ = pending;
    }
    if (buffer_.size() - end_ < min_bytes) {
      buffer_.resize(std::max(end_ + min_bytes, buffer_.size() * 2));
    }
  }
  return {buffer_.data() + end_, buffer_.size() - end_};
}

Result<std::optional<std::string_view>> FrameDecoder::next() {
  if (failed_) return *failed_;
  if (buffered() < kFrameHeaderBytes) return std::optional<std::string_view>{};
  auto* header = reinterpret_cast<const unsigned char*>(buffer_.data() + begin_);
  std::uint32_t length = decode_frame_header(header);
  if (length == 0) {
    failed_ = make_error(Errc::bad_frame, "frame with zero length");
    return *failed_;
  }
  if (length > max_frame_) {
    failed_ = make_error(Errc::frame_too_large,
                         fmt::format("frame of {} bytes is over the maximum of {} bytes", length,
                                     max_frame_));
    return *failed_;
  }
  if (buffered() - kFrameHeaderBytes < length) return std::optional<std::string_view>{};
  std::string_view payload(buffer_.data() + begin_ + kFrameHeaderBytes, length);
  begin_ += kFrameHeaderBytes + length;
  return std::optional<std::string_view>{payload};
}

std::span<const char> FrameDecoder::take_raw(std::size_t max) noexcept {
  std::size_t n = std::min(max, buffered());
  std::span<const char> raw(buffer_.data() + begin_, n);
  begin_ += n;
  return raw;
}

Status FrameDecoder::finish() const {
  if (failed_) return *failed_;
  if (buffered() == 0) return {};
  return make_error(Errc::bad_frame,
                    fmt::format("stream ended inside a frame ({} bytes pending)", buffered()));
}

void FrameDecoder::release_if_empty() noexcept {
  if (buffered() != 0) return;
  std::vector<char>().swap(buffer_);
  begin_ = end_ = 0;
}

}  // namespace netdisk::protocol
