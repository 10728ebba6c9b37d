// Range requests (RFC 9110, section 14): what part of a file a GET answers with. One range is
// served as 206; several ranges are answered with the whole file (200), which RFC 9110 allows;
// a malformed Range header is ignored (200), an unsatisfiable one is 416. If-Range decides
// whether Range applies at all. Pure functions; any thread.
#pragma once

#include <cstdint>
#include <string_view>

namespace netdisk::server::http {

struct RangePlan {
  enum class Kind { full, partial, unsatisfiable };
  Kind kind = Kind::full;
  std::uint64_t first = 0;  // inclusive; meaningful for partial
  std::uint64_t last = 0;   // inclusive
};

// `header` is the Range value ("bytes=0-99", "bytes=100-", "bytes=-500"); `size` the file's.
RangePlan plan_range(std::string_view header, std::uint64_t size);

// True when the If-Range validator (a strong ETag, or an HTTP date) still describes the file, so
// the Range applies. A weak ETag or a date other than exactly Last-Modified never matches.
bool if_range_matches(std::string_view if_range, std::string_view etag,
                      std::int64_t last_modified_seconds);

// True when an If-None-Match list ("*" or ETags, weak comparison) matches `etag`.
bool if_none_match_matches(std::string_view if_none_match, std::string_view etag);

}  // namespace netdisk::server::http
