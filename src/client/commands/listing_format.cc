#include "client/commands/listing_format.h"

#include <algorithm>

#include <fmt/format.h>

#include "client/progress/progress_format.h"

namespace netdisk::client {

std::string short_time(const std::string& iso) {
  if (iso.size() < 19 || iso[10] != 'T') return iso;
  return iso.substr(0, 10) + " " + iso.substr(11, 8);
}

std::string format_listing(const std::vector<RemoteEntry>& entries, bool long_format) {
  struct Row {
    std::string type, human, exact, time, name;
  };
  std::vector<Row> rows;
  std::size_t human_width = 0, exact_width = 0;
  for (const auto& entry : entries) {
    Row row{entry.is_directory ? "dir" : "file", entry.is_directory ? "-" : human_bytes(entry.size),
            entry.is_directory ? "-" : std::to_string(entry.size), short_time(entry.mtime),
            entry.name + (entry.is_directory ? "/" : "")};
    human_width = std::max(human_width, row.human.size());
    exact_width = std::max(exact_width, row.exact.size());
    rows.push_back(std::move(row));
  }
  std::string out;
  for (const auto& row : rows) {
    out += fmt::format("{:<4}  {:>{}}  ", row.type, row.human, human_width);
    if (long_format) out += fmt::format("{:>{}}  ", row.exact, exact_width);
    out += row.time + "  " + row.name + "\n";
  }
  return out;
}

}  // namespace netdisk::client
