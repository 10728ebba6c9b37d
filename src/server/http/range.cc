#include "server/http/range.h"

#include <algorithm>
#include <charconv>
#include <optional>

#include "server/http/field_text.h"
#include "server/http/responses.h"

namespace netdisk::server::http {
namespace {

std::optional<std::uint64_t> parse_number(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

enum class SpecKind { malformed, unsatisfiable, satisfiable };

// One range-spec ("A-B", "A-", "-N") against a file of `size` bytes, clamped to the file.
SpecKind parse_spec(std::string_view spec, std::uint64_t size, ByteRange& range) {
  auto dash = spec.find('-');
  if (dash == std::string_view::npos) return SpecKind::malformed;
  auto first_text = trim_ows(spec.substr(0, dash));
  auto last_text = trim_ows(spec.substr(dash + 1));
  if (first_text.empty()) {
    // Suffix range: the last N bytes.
    auto count = parse_number(last_text);
    if (!count) return SpecKind::malformed;
    if (*count == 0 || size == 0) return SpecKind::unsatisfiable;
    range = {size - std::min(*count, size), size - 1};
    return SpecKind::satisfiable;
  }
  auto first = parse_number(first_text);
  if (!first) return SpecKind::malformed;
  std::optional<std::uint64_t> last;
  if (!last_text.empty()) {
    last = parse_number(last_text);
    if (!last || *last < *first) return SpecKind::malformed;  // ignored, as RFC 9110 says
  }
  if (*first >= size) return SpecKind::unsatisfiable;
  range = {*first, last ? std::min(*last, size - 1) : size - 1};
  return SpecKind::satisfiable;
}

// Sorts and merges overlapping or adjacent ranges (RFC 9110, section 15.3.7.2 allows it).
std::vector<ByteRange> coalesce(std::vector<ByteRange> ranges) {
  std::sort(ranges.begin(), ranges.end(),
            [](const ByteRange& a, const ByteRange& b) { return a.first < b.first; });
  std::vector<ByteRange> merged;
  for (const auto& range : ranges) {
    if (!merged.empty() && range.first <= merged.back().last + 1) {
      merged.back().last = std::max(merged.back().last, range.last);
    } else {
      merged.push_back(range);
    }
  }
  return merged;
}

}  // namespace

RangePlan plan_range(std::string_view header, std::uint64_t size) {
  using Kind = RangePlan::Kind;
  header = trim_ows(header);
  auto eq = header.find('=');
  if (eq == std::string_view::npos || !iequals(trim_ows(header.substr(0, eq)), "bytes")) return {};
  auto list = header.substr(eq + 1);
  std::vector<ByteRange> ranges;
  std::size_t specs = 0;
  while (!list.empty()) {
    auto comma = list.find(',');
    auto spec = trim_ows(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    if (spec.empty()) continue;  // empty list elements are allowed (RFC 9110, section 5.6.1)
    if (++specs > kMaxRanges) return {};
    ByteRange range;
    auto kind = parse_spec(spec, size, range);
    if (kind == SpecKind::malformed) return {};
    if (kind == SpecKind::satisfiable) ranges.push_back(range);
  }
  if (specs == 0) return {};
  if (ranges.empty()) return {Kind::unsatisfiable, {}};
  return {Kind::partial, coalesce(std::move(ranges))};
}

bool if_range_matches(std::string_view if_range, std::string_view etag,
                      std::int64_t last_modified_seconds) {
  if_range = trim_ows(if_range);
  if (if_range.starts_with("W/")) return false;
  if (if_range.starts_with("\"")) return if_range == etag;
  auto date = parse_http_date(if_range);
  return date && *date == last_modified_seconds;
}

}  // namespace netdisk::server::http
