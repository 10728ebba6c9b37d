// URL helpers for the HTTP side: splitting a request target into path and query, strict
// percent-decoding (an encoded NUL or a malformed escape is refused, never passed on), and the
// RFC 5987 encoding used in Content-Disposition. Pure functions; any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace netdisk::server::http {

struct Target {
  std::string_view path;   // still percent-encoded
  std::string_view query;  // without the '?'
};
Target split_target(std::string_view target);

// Decodes %XX escapes (and '+' as a space when `plus_is_space`, for query strings).
// invalid_path for a malformed escape, an encoded or raw NUL, or bytes that are not UTF-8.
Result<std::string> percent_decode(std::string_view text, bool plus_is_space = false);

// The decoded value of `name` in an application/x-www-form-urlencoded query, if present.
// bad_request when the value is malformed.
Result<std::optional<std::string>> query_param(std::string_view query, std::string_view name);

// RFC 5987 value-chars: everything but ALPHA / DIGIT / "!#$&+-.^_`|~" is percent-encoded.
std::string percent_encode_rfc5987(std::string_view text);

// Percent-encodes a path for use in a URL (keeps '/' and unreserved characters).
std::string percent_encode_path(std::string_view text);
// The same, appended to `out` (for a listing's hrefs, without a string per entry).
void append_percent_encoded_path(std::string& out, std::string_view text);

}  // namespace netdisk::server::http
