// How the WebDAV handlers call an op: by its /files role in the op table (never by name), as
// the authenticated caller, over the http transport. Connection thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "server/http/beast_fwd.h"
#include "server/http/dav/handler_fwd.h"
#include "server/ops/op_table.h"
#include "server/ops/operation.h"
#include "server/ops/session.h"

namespace netdisk::server::http::dav {

// `session` is the caller's (http_session() then assume_user()); one request may make several
// calls through it (a PROPFIND's listing pages), and its storage handle is opened once.
boost::asio::awaitable<ops::OpResult> call_op(Exchange& exchange, ops::Session& session,
                                              ops::FilesRole role, const nlohmann::json& body);

// The resource at a request URI, as the stat op answers for it.
struct UrlResource {
  nlohmann::json fields;  // stat's reply: type, size, mtime, a file's version
  bool folder = false;
  std::string href;  // "/files/" + the percent-encoded path, a folder's with its trailing slash
};

// Stats `path` for a PROPFIND or PROPPATCH; nullopt once the refusal was sent (the stat's
// error, or a file asked for with a folder URL's trailing slash).
boost::asio::awaitable<std::optional<UrlResource>> stat_url(Exchange& exchange,
                                                            ops::Session& session,
                                                            const std::string& path,
                                                            bool folder_url);

// Sends `error` with `status` instead of the usual one for its code (WebDAV's 405, 409, 412,
// ...), its message stripped of server paths as Exchange::send_error() does.
boost::asio::awaitable<void> send_refusal(Exchange& exchange, bhttp::status status,
                                          const Error& error, std::string_view allow = {});

// Sends `body` (XML) with `status` and Content-Type application/xml.
boost::asio::awaitable<void> send_xml(Exchange& exchange, bhttp::status status, std::string body);

}  // namespace netdisk::server::http::dav
