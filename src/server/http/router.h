// The URL space of netdiskd's HTTP side (docs/HTTP.md):
//   GET /, /app.js, /style.css    the web page (embedded)
//   /api/<name>                   the JSON API, one table entry per name
//   /files/<path>                 the caller's files: GET, HEAD, PUT, DELETE, OPTIONS, and
//                                 WebDAV's PROPFIND, PROPPATCH, MKCOL, COPY, MOVE, LOCK,
//                                 UNLOCK (http/dav/); other
//                                 methods get 405 with Allow. /files/ and /files/<folder>/
//                                 list a folder; /files redirects to /files/
//   /ws/chat                      the chat room over a WebSocket
// route() authenticates, checks CSRF and hands the exchange to one handler, which sends the
// response. Connection thread.
#pragma once

#include <boost/asio/awaitable.hpp>

namespace netdisk::server::http {

class Exchange;

boost::asio::awaitable<void> route(Exchange& exchange);

}  // namespace netdisk::server::http
