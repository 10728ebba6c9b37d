#include "protocol/frame.h"

#include <cassert>

namespace netdisk::protocol {

void append_frame(std::string& out, std::string_view payload) {
  assert(payload.size() <= kMaxMaxFrameBytes);
  auto length = static_cast<std::uint32_t>(payload.size());
  char header[kFrameHeaderBytes] = {
      static_cast<char>((length >> 24) & 0xff), static_cast<char>((length >> 16) & 0xff),
      static_cast<char>((length >> 8) & 0xff), static_cast<char>(length & 0xff)};
  out.reserve(out.size() + sizeof header + payload.size());
  out.append(header, sizeof header);
  out.append(payload);
}

std::uint32_t decode_frame_header(const unsigned char* header) noexcept {
  return (std::uint32_t{header[0]} << 24) | (std::uint32_t{header[1]} << 16) |
         (std::uint32_t{header[2]} << 8) | std::uint32_t{header[3]};
}

}  // namespace netdisk::protocol
