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

// A left-to-right reader of the forms parse_typed_time() accepts.
struct Cursor {
  std::string_view text;
  std::size_t pos = 0;

  bool done() const { return pos == text.size(); }
  bool take(char c) {
    if (pos >= text.size() || text[pos] != c) return false;
    ++pos;
    return true;
  }
  std::optional<int> digits(std::size_t n) {
    auto value = number_at(text, pos, n);
    if (value) pos += n;
    return value;
  }
  bool take_word(std::string_view word) {
    if (text.substr(pos) != word) return false;
    pos = text.size();
    return true;
  }
};

std::string_view trim_spaces(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

// "Z", "UTC" or an offset "+HH[:MM]" / "-HHMM" at the cursor's end, as minutes east of UTC.
std::optional<int> zone_offset_minutes(Cursor& at) {
  at.take(' ');
  if (at.done() || at.take_word("Z") || at.take_word("UTC")) return 0;
  int sign = at.take('+') ? 1 : at.take('-') ? -1 : 0;
  auto h = at.digits(2);
  if (sign == 0 || !h || *h > 23) return std::nullopt;
  at.take(':');
  int m = 0;
  if (!at.done()) {
    auto parsed = at.digits(2);
    if (!parsed || *parsed > 59) return std::nullopt;
    m = *parsed;
  }
  if (!at.done()) return std::nullopt;
  return sign * (*h * 60 + m);
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

std::optional<system_clock::time_point> parse_typed_time(std::string_view text) {
  text = trim_spaces(text);
  if (auto exact = parse_iso8601_utc(text)) return exact;
  Cursor at{text};
  auto y = at.digits(4);
  char separator = at.take('-') ? '-' : at.take('/') ? '/' : '\0';
  auto mo = separator != '\0' ? at.digits(2) : std::nullopt;
  auto d = mo && at.take(separator) ? at.digits(2) : std::nullopt;
  if (!y || !d || *y < 1970 || *y > 2200) return std::nullopt;
  year_month_day date{year{*y}, month{static_cast<unsigned>(*mo)}, day{static_cast<unsigned>(*d)}};
  if (!date.ok()) return std::nullopt;
  int h = 0, mi = 0, s = 0;
  if (at.take('T') || (at.take(' ') && !at.done() && text[at.pos] >= '0' && text[at.pos] <= '9')) {
    auto hours_part = at.digits(2);
    auto minutes_part = hours_part && at.take(':') ? at.digits(2) : std::nullopt;
    if (!minutes_part || *hours_part > 23 || *minutes_part > 59) return std::nullopt;
    h = *hours_part;
    mi = *minutes_part;
    if (at.take(':')) {
      auto seconds_part = at.digits(2);
      if (!seconds_part || *seconds_part > 59) return std::nullopt;
      s = *seconds_part;
      if (at.take('.') || at.take(',')) {
        std::size_t start = at.pos;
        while (!at.done() && text[at.pos] >= '0' && text[at.pos] <= '9') ++at.pos;
        if (at.pos == start) return std::nullopt;
      }
    }
  }
  auto offset = zone_offset_minutes(at);
  if (!offset) return std::nullopt;
  return system_clock::time_point{sys_days{date} + hours{h} + minutes{mi} + seconds{s} -
                                  minutes{*offset}};
}

}  // namespace netdisk::storage
