// Frame layout constants and the frame encoder (docs/PROTOCOL.md, section 1).
// A frame is a 4-byte big-endian payload length followed by that many payload bytes.
// Pure functions, safe from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace netdisk::protocol {

inline constexpr std::size_t kFrameHeaderBytes = 4;
inline constexpr std::size_t kHandshakeMaxFrameBytes = 64 * 1024;
inline constexpr std::size_t kDefaultMaxFrameBytes = 1024 * 1024;
inline constexpr std::size_t kMinMaxFrameBytes = 4 * 1024;
inline constexpr std::size_t kMaxMaxFrameBytes = 16 * 1024 * 1024;

inline constexpr int kProtocolVersion = 1;
inline constexpr int kMinProtocolVersion = 1;

// Appends one frame (header + payload) to `out`. The caller keeps payloads within the
// negotiated maximum; a payload over kMaxMaxFrameBytes is a programming error.
void append_frame(std::string& out, std::string_view payload);

inline std::string encode_frame(std::string_view payload) {
  std::string out;
  append_frame(out, payload);
  return out;
}

// The payload length declared by a 4-byte header.
std::uint32_t decode_frame_header(const unsigned char* header) noexcept;

}  // namespace netdisk::protocol
