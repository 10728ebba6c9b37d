// The WebDAV Timeout request header (RFC 4918 §10.7): "Infinite" or "Second-N", a
// comma-separated list in the client's order of preference. Pure function; the LockTable caps
// what it grants.
#pragma once

#include <chrono>
#include <string_view>

namespace netdisk::server::dav {

// The first time type of the list this server understands: "Infinite" as
// std::chrono::seconds::max(), "Second-N" as N (saturating, never negative). Zero when the
// header is absent, empty or names nothing understood: the lock table's default then applies.
std::chrono::seconds parse_timeout(std::string_view value);

}  // namespace netdisk::server::dav
