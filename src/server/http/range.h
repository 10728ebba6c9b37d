// Range requests (RFC 9110, section 14): what parts of a file a GET answers with. Satisfiable
// ranges are sorted and coalesced (overlapping or adjacent ones become one); one part left is a
// plain 206, several are a multipart/byteranges 206. More than kMaxRanges ranges or a malformed
// Range header are ignored (200, the whole file, as nginx does with max_ranges); none
// satisfiable is 416. If-Range decides whether Range applies at all. Pure functions; any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace netdisk::server::http {

// A Range header listing more ranges than this is served whole: many tiny ranges cost far more
// in part headers and syscalls than they save, and are a known amplification trick.
inline constexpr std::size_t kMaxRanges = 16;

struct ByteRange {
  std::uint64_t first = 0;  // inclusive
  std::uint64_t last = 0;   // inclusive
  std::uint64_t length() const { return last - first + 1; }
  bool operator==(const ByteRange&) const = default;
};

struct RangePlan {
  enum class Kind { full, partial, unsatisfiable };
  Kind kind = Kind::full;
  // partial: at least one, ascending, neither overlapping nor adjacent.
  std::vector<ByteRange> ranges;
};

// `header` is the Range value ("bytes=0-99", "bytes=100-", "bytes=-500", "bytes=0-9,20-29");
// `size` the file's.
RangePlan plan_range(std::string_view header, std::uint64_t size);

// True when the If-Range validator (a strong ETag, or an HTTP date) still describes the file, so
// the Range applies. A weak ETag or a date other than exactly Last-Modified never matches.
bool if_range_matches(std::string_view if_range, std::string_view etag,
                      std::int64_t last_modified_seconds);

}  // namespace netdisk::server::http
