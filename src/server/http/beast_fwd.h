// The Beast names the HTTP side uses, in one place. Only src/server/http/*.cc and the http
// headers that need Beast types include this; server.cc and the rest of the server never see
// Beast (see http_server.h).
#pragma once

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "server/http/http_stream.h"

namespace netdisk::server::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using Stream = HttpStream;  // plain TCP or TLS (http_stream.h)
using Request = bhttp::request<bhttp::empty_body>;
using HeaderParser = bhttp::request_parser<bhttp::empty_body>;
using StringResponse = bhttp::response<bhttp::string_body>;

// Limits at the edge (docs/HTTP.md, "Limits").
inline constexpr std::uint32_t kMaxHeaderBytes = 16 * 1024;
inline constexpr std::size_t kMaxJsonBodyBytes = 64 * 1024;

}  // namespace netdisk::server::http
