// Excel's dates as users.xlsx may hold them when an administrator types a date into a cell:
// a number (days since an epoch, the fraction is the time of day) whose cell style has a date
// or time number format. Knows which number formats are dates, and turns a serial number into
// the ISO 8601 text the registry stores (iso_time.h). Pure functions, safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace netdisk::storage {

// True when number format `id` shows a date or time: one of Excel's built-in date formats
// (14-22, 27-36, 45-47, 50-58) when `code` is empty, otherwise when the format code `code`
// has a day, month, year, hour or second part outside quoted text and [brackets] ("yyyy-mm-dd",
// "d/m/yy h:mm"; not "0.00", "General", "[h]:mm" durations).
bool is_date_number_format(unsigned id, std::string_view code);

// The moment serial date `stored` (a cell's stored number, e.g. "45658.5") stands for, as
// "YYYY-MM-DDTHH:MM:SSZ" (the wall-clock time in the cell, taken as UTC; rounded to the
// millisecond, then to the second below). In the 1900 date system serial 1 is 1900-01-01 and
// serial 60 is the 29 February 1900 that Excel counts but never existed (nullopt); from 61 on,
// days count from 1899-12-30. In the 1904 system (`date1904`) serial 0 is 1904-01-01.
// nullopt for text that is not a number, a serial before the epoch, or past 9999-12-31.
std::optional<std::string> excel_serial_to_iso8601(std::string_view stored, bool date1904);

}  // namespace netdisk::storage
