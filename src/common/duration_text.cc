#include "common/duration_text.h"

#include <charconv>
#include <cstdint>
#include <limits>

namespace netdisk {

std::optional<std::chrono::seconds> parse_duration(std::string_view text) {
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  std::uint64_t scale = unit.empty() || unit == "s" ? 1
                        : unit == "m"               ? 60
                        : unit == "h"               ? 3600
                        : unit == "d"               ? 86400
                                                    : 0;
  // Capped at a century: a typo must not overflow into a short retention.
  constexpr std::uint64_t kMaxSeconds = 100ull * 366 * 86400;
  if (ec != std::errc() || end == text.data() || scale == 0 || value == 0 ||
      value > kMaxSeconds / scale) {
    return std::nullopt;
  }
  return std::chrono::seconds(static_cast<std::int64_t>(value * scale));
}

}  // namespace netdisk
