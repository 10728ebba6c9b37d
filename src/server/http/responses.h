// Building HTTP responses: the Errc -> HTTP status mapping, JSON bodies and the JSON error shape
// {"error":{"code","message"}} (docs/HTTP.md, "Errors"), and the headers every response
// carries. Pure functions; any thread.
#pragma once

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "server/http/beast_fwd.h"

namespace netdisk::server::http {

// The HTTP status that best describes `code` (for example not_found -> 404, disk_full -> 507).
bhttp::status status_for(Errc code);

// A JSON response; `body` is serialised compactly, Content-Type is application/json.
StringResponse json_response(bhttp::status status, const nlohmann::json& body);
// The same with a body already written as JSON text (a listing, written without a DOM).
StringResponse json_text_response(bhttp::status status, std::string body);

// {"error":{"code":"<errc name>","message":"..."}} with status_for(error.code).
StringResponse error_response(const Error& error);
StringResponse error_response(bhttp::status status, Errc code, std::string message);

// Headers every response gets: Server, X-Content-Type-Options, and Cache-Control: no-store
// unless the response set its own.
void add_common_headers(bhttp::response_header<>& header);

// RFC 7231 IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") for seconds since the epoch, and back.
std::string http_date(std::int64_t seconds);
// The same, appended to `out`, without gmtime_r (a PROPFIND formats one per entry).
void append_http_date(std::string& out, std::int64_t seconds);
std::optional<std::int64_t> parse_http_date(std::string_view text);

}  // namespace netdisk::server::http
