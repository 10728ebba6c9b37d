#include "server/dav/timeout_header.h"

#include <cctype>
#include <cstdint>
#include <limits>

namespace netdisk::server::dav {
namespace {

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// "Second-N" → N, saturating at the largest count; zero for anything else.
std::chrono::seconds seconds_of(std::string_view item) {
  constexpr std::string_view kPrefix = "Second-";
  if (item.size() <= kPrefix.size() || !equals_ignoring_case(item.substr(0, 7), kPrefix)) {
    return std::chrono::seconds(0);
  }
  constexpr auto kMax = std::numeric_limits<std::chrono::seconds::rep>::max();
  std::chrono::seconds::rep n = 0;
  for (char c : item.substr(kPrefix.size())) {
    if (c < '0' || c > '9') return std::chrono::seconds(0);
    n = n > (kMax - 9) / 10 ? kMax : n * 10 + (c - '0');
  }
  return std::chrono::seconds(n);
}

}  // namespace

std::chrono::seconds parse_timeout(std::string_view value) {
  while (!value.empty()) {
    auto comma = value.find(',');
    auto item = trimmed(value.substr(0, comma));
    value = comma == std::string_view::npos ? std::string_view{} : value.substr(comma + 1);
    if (equals_ignoring_case(item, "Infinite")) return std::chrono::seconds::max();
    if (auto n = seconds_of(item); n.count() > 0) return n;
  }
  return std::chrono::seconds(0);
}

}  // namespace netdisk::server::dav
