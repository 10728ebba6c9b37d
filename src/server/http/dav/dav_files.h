// WebDAV on /files/ (RFC 4918 classes 1 and 2; docs/HTTP.md, "WebDAV"): the methods beyond GET,
// HEAD, PUT and DELETE, each a thin adapter over the operation layer (server/ops/). The router
// authenticates and decodes the path, then hands the exchange here. Connection thread.
#pragma once

#include <string>
#include <string_view>

#include "server/http/beast_fwd.h"
#include "server/http/dav/handler_fwd.h"

namespace netdisk::server::http::dav {

// Every method /files/ answers, for Allow.
inline constexpr std::string_view kFilesAllow =
    "OPTIONS, GET, HEAD, PUT, DELETE, PROPFIND, PROPPATCH, MKCOL, COPY, MOVE, LOCK, UNLOCK";

// True for the methods serve_dav() answers.
bool is_dav_method(bhttp::verb method);

// OPTIONS: 200 with DAV, MS-Author-Via and Allow; no login needed (clients probe first).
// `allow` is what the URL answers: /files/'s, or the site root's (Windows' Mini-Redirector
// probes `OPTIONS /` before the folder it maps, and gives up when the root is no DAV server).
boost::asio::awaitable<void> serve_options(Exchange& exchange,
                                           std::string_view allow = kFilesAllow);

// PROPFIND, PROPPATCH, MKCOL, COPY, MOVE, LOCK or UNLOCK of `path` (decoded, without a folder
// URL's trailing slash).
boost::asio::awaitable<void> serve_dav(Exchange& exchange, const Caller& caller,
                                       const std::string& path, bool folder_url);

}  // namespace netdisk::server::http::dav
