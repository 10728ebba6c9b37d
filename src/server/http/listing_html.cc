#include "server/http/listing_html.h"

#include <time.h>

#include <array>

#include <fmt/format.h>

#include "common/markup_escape.h"
#include "server/http/preconditions.h"
#include "server/http/url.h"

namespace netdisk::server::http {
namespace {

// "2026-12-01 20:33:05" in UTC: what autoindex pages show, to the second.
std::string listing_time(std::int64_t mtime_ns) {
  time_t t = static_cast<time_t>(seconds_of(mtime_ns));
  tm utc{};
  gmtime_r(&t, &utc);
  std::array<char, 32> text{};
  auto n = strftime(text.data(), text.size(), "%Y-%m-%d %H:%M:%S", &utc);
  return std::string(text.data(), n);
}

std::string row(const storage::DirEntry& entry) {
  std::string suffix = entry.is_directory ? "/" : "";
  std::string href = percent_encode_path(entry.name) + suffix;
  std::string size = entry.is_directory ? "-" : std::to_string(entry.size);
  return fmt::format("<tr><td><a href=\"{}\">{}</a></td><td>{}</td><td>{}</td></tr>\n",
                     markup_escape(href), markup_escape(entry.name + suffix), size,
                     listing_time(entry.mtime_ns));
}

}  // namespace


std::string listing_html(std::string_view url_path, const std::vector<storage::DirEntry>& entries) {
  std::string title = markup_escape("Index of " + std::string(url_path));
  std::string page = fmt::format(
      "<!DOCTYPE html>\n<html>\n<head><meta charset=\"utf-8\"><title>{0}</title></head>\n"
      "<body>\n<h1>{0}</h1>\n<table>\n"
      "<tr><th>Name</th><th>Size</th><th>Modified (UTC)</th></tr>\n",
      title);
  if (url_path != "/files/") {
    page += "<tr><td><a href=\"../\">../</a></td><td></td><td></td></tr>\n";
  }
  for (const auto& entry : entries) page += row(entry);
  page += "</table>\n</body>\n</html>\n";
  return page;
}

}  // namespace netdisk::server::http
