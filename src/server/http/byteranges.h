// multipart/byteranges framing (RFC 9110, section 14.6) for a 206 with several ranges: the
// text before each part and after the last, and the exact Content-Length they add up to with
// the parts' bytes, so the body can be streamed (and sent with sendfile) without buffering.
// Pure functions; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "server/http/range.h"

namespace netdisk::server::http {

struct Multipart {
  std::string content_type;               // multipart/byteranges; boundary=...
  std::vector<std::string> part_headers;  // one per range: delimiter, Content-Type, -Range
  std::string closing;                    // the close delimiter
  std::uint64_t content_length = 0;       // everything above plus the ranges' bytes
};

// `boundary` must not occur in the file; a random one of 20+ characters makes that a 2^-100 bet.
Multipart frame_multipart(const std::vector<ByteRange>& ranges, std::uint64_t file_size,
                          std::string_view part_type, std::string_view boundary);

// A fresh random boundary (hex, from libsodium's CSPRNG).
std::string random_boundary();

}  // namespace netdisk::server::http
