#include "storage/byte_size.h"

#include <array>
#include <cctype>
#include <string>

namespace netdisk::storage {
namespace {

struct Unit {
  std::string_view name;  // lowercase
  std::uint64_t bytes;
};

constexpr std::uint64_t kKilo = 1000;
constexpr std::uint64_t kKibi = 1024;
constexpr std::array kUnits = {
    Unit{"", 1},
    Unit{"b", 1},
    Unit{"kb", kKilo},
    Unit{"mb", kKilo* kKilo},
    Unit{"gb", kKilo* kKilo* kKilo},
    Unit{"tb", kKilo* kKilo* kKilo* kKilo},
    Unit{"kib", kKibi},
    Unit{"mib", kKibi* kKibi},
    Unit{"gib", kKibi* kKibi* kKibi},
    Unit{"tib", kKibi* kKibi* kKibi* kKibi},
};
constexpr std::uint64_t kMaxBytes = std::uint64_t{1} << 63;

std::optional<std::uint64_t> unit_bytes(std::string_view text) {
  std::string lower;
  for (char c : text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& unit : kUnits) {
    if (unit.name == lower) return unit.bytes;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::uint64_t> parse_byte_size(std::string_view text) {
  std::size_t at = 0;
  std::uint64_t whole = 0;
  for (; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at) {
    if (whole > kMaxBytes / 10) return std::nullopt;
    whole = whole * 10 + static_cast<std::uint64_t>(text[at] - '0');
  }
  if (at == 0) return std::nullopt;
  std::uint64_t fraction = 0;  // in billionths
  if (at < text.size() && text[at] == '.') {
    std::uint64_t scale = 100000000;
    std::size_t digits = 0;
    for (++at; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at, ++digits) {
      if (digits >= 9) return std::nullopt;
      fraction += static_cast<std::uint64_t>(text[at] - '0') * scale;
      scale /= 10;
    }
    if (digits == 0) return std::nullopt;
  }
  while (at < text.size() && text[at] == ' ') ++at;
  auto unit = unit_bytes(text.substr(at));
  if (!unit) return std::nullopt;
  if (whole > kMaxBytes / *unit) return std::nullopt;
  // unit * fraction could pass 2^64 for TiB, so it is split at 10^9.
  std::uint64_t part =
      (*unit / 1000000000) * fraction + (*unit % 1000000000) * fraction / 1000000000;
  std::uint64_t bytes = whole * *unit + part;
  if (bytes > kMaxBytes) return std::nullopt;
  return bytes;
}

}  // namespace netdisk::storage
