// The WebDAV request headers (RFC 4918, section 10): Depth, Overwrite and Destination, parsed
// strictly. A Destination is confined here to the caller's own /files/ space: another host is
// 502, a path outside /files/ or with a "." or ".." segment (raw or percent-encoded) is 403,
// a malformed one 400; what comes back is a client path for the storage layer (which checks
// it again). Pure functions; any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "server/http/beast_fwd.h"

namespace netdisk::server::http::dav {

enum class Depth { zero, one, infinity };

// "0", "1" or "infinity" (any case); `missing` when the header is absent; nullopt otherwise.
std::optional<Depth> parse_depth(std::string_view value, bool present, Depth missing);

// "T" or "F"; true when absent (RFC 4918, 10.6); nullopt otherwise.
std::optional<bool> parse_overwrite(std::string_view value, bool present);

struct Destination {
  std::string path;  // decoded, without a trailing slash; empty on a refusal
  bhttp::status refusal = bhttp::status::ok;  // ok when `path` is good
  std::string why;
};

// `value` is the Destination header, `host` the request's Host header.
Destination parse_destination(std::string_view value, std::string_view host);

// The same rules for any URL naming a resource of the caller's (an If header's Resource-Tag),
// except that the top folder (`/files/`, `/files`) is allowed: its path is "".
Destination parse_files_url(std::string_view value, std::string_view host);

// True when `path` is `folder` or lies under it (client paths, no trailing slash).
bool is_inside(std::string_view path, std::string_view folder);

}  // namespace netdisk::server::http::dav
