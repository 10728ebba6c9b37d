#include "storage/excel_date.h"

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>

#include <fmt/format.h>

namespace netdisk::storage {
namespace {

using namespace std::chrono;

constexpr std::int64_t kMillisPerDay = 86'400'000;
constexpr double kLastSerial = 2958466.0;  // 10000-01-01 in the 1900 system

bool is_builtin_date_format(unsigned id) {
  return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) ||
         (id >= 50 && id <= 58);
}

}  // namespace

bool is_date_number_format(unsigned id, std::string_view code) {
  if (code.empty()) return is_builtin_date_format(id);
  for (std::size_t i = 0; i < code.size(); ++i) {
    char c = code[i];
    if (c == '"') {
      auto close = code.find('"', i + 1);
      if (close == std::string_view::npos) return false;
      i = close;
    } else if (c == '[') {
      auto close = code.find(']', i + 1);
      if (close == std::string_view::npos) return false;
      i = close;
    } else if (c == '\\' || c == '_' || c == '*') {
      ++i;  // an escaped character, a space as wide as the next one, a fill character
    } else if (std::string_view("dmyhsDMYHS").find(c) != std::string_view::npos) {
      return true;
    }
  }
  return false;
}

std::optional<std::string> excel_serial_to_iso8601(std::string_view stored, bool date1904) {
  double serial = 0;
  auto [end, error] = std::from_chars(stored.data(), stored.data() + stored.size(), serial);
  if (error != std::errc{} || end != stored.data() + stored.size() || !std::isfinite(serial) ||
      serial < 0 || serial >= kLastSerial) {
    return std::nullopt;
  }
  auto millis = static_cast<std::int64_t>(std::llround(serial * kMillisPerDay));
  std::int64_t day = millis / kMillisPerDay;
  std::int64_t second_of_day = (millis % kMillisPerDay) / 1000;
  sys_days date;
  if (date1904) {
    date = sys_days{year{1904} / January / 1} + days{day};
  } else {
    if (day < 1 || day == 60) return std::nullopt;  // "1900-01-00", and Excel's 1900-02-29
    auto epoch =
        day < 60 ? sys_days{year{1899} / December / 31} : sys_days{year{1899} / December / 30};
    date = epoch + days{day};
  }
  year_month_day ymd{date};
  if (ymd.year() > year{9999}) return std::nullopt;
  hh_mm_ss time{seconds{second_of_day}};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     time.hours().count(), time.minutes().count(), time.seconds().count());
}

}  // namespace netdisk::storage
