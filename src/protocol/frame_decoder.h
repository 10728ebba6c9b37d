// FrameDecoder: turns a byte stream into frames, whatever way the bytes were split up.
// The caller reads from the socket into prepare()/commit(), then takes complete frames with
// next() until it returns nothing. A partial header or payload stays buffered for the next
// read; several frames from one read come out one at a time. Raw byte streams that follow a
// frame (docs/PROTOCOL.md, section 5) are taken out of the same buffer with take_raw().
// The declared length is checked against the maximum before anything is allocated for it,
// and the buffer grows only with bytes actually received. One owner, no locking.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace netdisk::protocol {

class FrameDecoder {
 public:
  explicit FrameDecoder(std::size_t max_frame_bytes);

  // Changes the maximum payload size, e.g. from the handshake limit to the negotiated one.
  void set_max_frame_bytes(std::size_t max_frame_bytes) noexcept { max_frame_ = max_frame_bytes; }
  std::size_t max_frame_bytes() const noexcept { return max_frame_; }

  // A writable area of at least `min_bytes` at the end of the buffer, for the next read.
  std::span<char> prepare(std::size_t min_bytes);
  // Marks `n` bytes of the prepared area as received.
  void commit(std::size_t n) noexcept { end_ += n; }

  // The next complete frame's payload, nullopt when more bytes are needed, or an error:
  // bad_frame (zero length) or frame_too_large. Errors are sticky: the stream is no longer
  // trustworthy. The returned view is valid until the next call to prepare() or next().
  Result<std::optional<std::string_view>> next();

  // Bytes buffered and not yet returned as frames.
  std::size_t buffered() const noexcept { return end_ - begin_; }
  // Those bytes, left where they are (valid until the next prepare() or next()).
  std::span<const char> peek() const noexcept { return {buffer_.data() + begin_, end_ - begin_}; }
  // Removes up to `max` buffered bytes as raw stream data (valid until the next prepare()).
  std::span<const char> take_raw(std::size_t max) noexcept;

  // To call at end of stream: bad_frame if a frame was cut off.
  Status finish() const;

  // Bytes allocated for the buffer (for tests and memory accounting).
  std::size_t capacity() const noexcept { return buffer_.capacity(); }

  // Frees the buffer when nothing is buffered, so idle connections cost almost no memory.
  void release_if_empty() noexcept;

 private:
  std::vector<char> buffer_;
  std::size_t begin_ = 0;  // first unconsumed byte
  std::size_t end_ = 0;    // one past the last received byte
  std::size_t max_frame_;
  std::optional<Error> failed_;
};

}  // namespace netdisk::protocol
