#include "server/http/byteranges.h"

#include <array>

#include <fmt/format.h>
#include <sodium.h>

namespace netdisk::server::http {

Multipart frame_multipart(const std::vector<ByteRange>& ranges, std::uint64_t file_size,
                          std::string_view part_type, std::string_view boundary) {
  Multipart out;
  out.content_type = fmt::format("multipart/byteranges; boundary={}", boundary);
  // Each delimiter starts with CRLF; before the first part that makes an empty preamble.
  for (const auto& range : ranges) {
    out.part_headers.push_back(
        fmt::format("\r\n--{}\r\nContent-Type: {}\r\nContent-Range: bytes {}-{}/{}\r\n\r\n",
                    boundary, part_type, range.first, range.last, file_size));
    out.content_length += out.part_headers.back().size() + range.length();
  }
  out.closing = fmt::format("\r\n--{}--\r\n", boundary);
  out.content_length += out.closing.size();
  return out;
}

std::string random_boundary() {
  std::array<unsigned char, 12> bytes;
  randombytes_buf(bytes.data(), bytes.size());
  std::string text = "netdisk-";
  for (auto b : bytes) text += fmt::format("{:02x}", b);
  return text;
}

}  // namespace netdisk::server::http
