#include "storage/iso_time.h"

#include <fmt/format.h>

namespace netdisk::storage {
namespace {

using namespace std::chrono;

// Reads exactly `digits` decimal digits at `pos`; nullopt if any is not a digit.
std::optional<int> number_at(std::string_view text, std::size_t pos, std::size_t digits) {
  if (pos + digits > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = pos; i < pos + digits; ++i) {
    char c = text[i];
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

}  // namespace

std::string format_iso8601_utc(system_clock::time_point when) {
  auto seconds = floor<std::chrono::seconds>(when);
  auto day = floor<days>(seconds);
  year_month_day date{day};
  hh_mm_ss time{seconds - day};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                     time.hours().count(), time.minutes().count(), time.seconds().count());
}

std::optional<system_clock::time_point> parse_iso8601_utc(std::string_view text) {
  // Fixed layout: positions of the separators in "YYYY-MM-DDTHH:MM:SS".
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':' || text.back() != 'Z') {
    return std::nullopt;
  }
  auto y = number_at(text, 0, 4);
  auto mo = number_at(text, 5, 2);
  auto d = number_at(text, 8, 2);
  auto h = number_at(text, 11, 2);
  auto mi = number_at(text, 14, 2);
  auto s = number_at(text, 17, 2);
  if (!y || !mo || !d || !h || !mi || !s) return std::nullopt;
  // time_point counts nanoseconds in 64 bits, which reach only to 2262; keep well inside.
  if (*y < 1970 || *y > 2200) return std::nullopt;
  std::string_view fraction = text.substr(19, text.size() - 20);
  if (!fraction.empty()) {
    if (fraction.size() < 2 || fraction.size() > 10 || fraction[0] != '.') return std::nullopt;
    if (!number_at(fraction, 1, fraction.size() - 1)) return std::nullopt;
  }
  year_month_day date{year{*y}, month{static_cast<unsigned>(*mo)}, day{static_cast<unsigned>(*d)}};
  if (!date.ok() || *h > 23 || *mi > 59 || *s > 59) return std::nullopt;
  return system_clock::time_point{sys_days{date} + hours{*h} + minutes{*mi} + seconds{*s}};
}

}  // namespace netdisk::storage
