#include "server/http/dav/dav_headers.h"

#include <boost/beast/core/string.hpp>

#include "server/http/url.h"

namespace netdisk::server::http::dav {
namespace {

constexpr std::string_view kFilesPrefix = "/files/";

Destination refuse(bhttp::status status, std::string why) {
  return Destination{"", status, std::move(why)};
}

bool starts_with_nocase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && beast::iequals(text.substr(0, prefix.size()), prefix);
}

// A segment that would climb or stay put ("", ".", "..") has no place in a destination.
bool has_bad_segment(std::string_view path) {
  std::size_t start = 0;
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    auto segment = path.substr(start, end - start);
    if (segment.empty() || segment == "." || segment == "..") return true;
    start = end + 1;
  }
  return false;
}

}  // namespace

std::optional<Depth> parse_depth(std::string_view value, bool present, Depth missing) {
  if (!present) return missing;
  if (value == "0") return Depth::zero;
  if (value == "1") return Depth::one;
  if (beast::iequals(value, "infinity")) return Depth::infinity;
  return std::nullopt;
}

std::optional<bool> parse_overwrite(std::string_view value, bool present) {
  if (!present) return true;
  if (value == "T" || value == "t") return true;
  if (value == "F" || value == "f") return false;
  return std::nullopt;
}

Destination parse_files_url(std::string_view value, std::string_view host) {
  if (value.empty()) return refuse(bhttp::status::bad_request, "the URL is empty");
  std::string_view path = value;
  for (std::string_view scheme : {"http://", "https://"}) {
    if (!starts_with_nocase(value, scheme)) continue;
    auto rest = value.substr(scheme.size());
    auto slash = rest.find('/');
    auto authority = rest.substr(0, slash);
    if (slash == std::string_view::npos || !beast::iequals(authority, host)) {
      return refuse(bhttp::status::bad_gateway, "the Destination is on another server");
    }
    path = rest.substr(slash);
  }
  if (path.empty() || path.front() != '/') {
    return refuse(bhttp::status::bad_request, "the Destination is not a URL or an absolute path");
  }
  path = path.substr(0, path.find_first_of("?#"));
  if (path == kFilesPrefix.substr(0, kFilesPrefix.size() - 1)) path = kFilesPrefix;  // "/files"
  if (!path.starts_with(kFilesPrefix)) {
    return refuse(bhttp::status::forbidden, "the Destination is outside your files");
  }
  auto decoded = percent_decode(path.substr(kFilesPrefix.size()));
  if (!decoded) return refuse(bhttp::status::bad_request, "the Destination is not a valid path");
  if (decoded->empty()) return Destination{"", bhttp::status::ok, ""};  // the top folder
  if (decoded->back() == '/') decoded->pop_back();
  if (decoded->empty() || has_bad_segment(*decoded)) {
    return refuse(bhttp::status::forbidden, "the Destination is outside your files");
  }
  return Destination{std::move(*decoded), bhttp::status::ok, ""};
}

Destination parse_destination(std::string_view value, std::string_view host) {
  if (value.empty()) return refuse(bhttp::status::bad_request, "COPY and MOVE need a Destination");
  auto destination = parse_files_url(value, host);
  if (destination.refusal == bhttp::status::ok && destination.path.empty()) {
    return refuse(bhttp::status::forbidden, "the Destination is outside your files");
  }
  return destination;
}

bool is_inside(std::string_view path, std::string_view folder) {
  if (path == folder) return true;
  return path.size() > folder.size() && path.starts_with(folder) && path[folder.size()] == '/';
}

}  // namespace netdisk::server::http::dav
