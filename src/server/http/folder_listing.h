// GET and HEAD of a folder URL (/files/ and /files/<folder>/): the folder's entries as an HTML
// page (listing_html.h) or, when the request's Accept prefers application/json, as JSON in the
// shape of /api/list's entries, the whole folder at once. The folder URL without its slash is
// redirected (301, as nginx does) so relative links resolve inside the folder; a file's URL
// with a slash is 404 not_a_directory. Connection thread.
#pragma once

#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

namespace netdisk::server::http {

class Exchange;
struct Caller;

// `folder` is the decoded folder path without its trailing slash ("" for the user's folder).
// `shown`, when given, is the URL path the page and the JSON name instead of the folder's own
// (a share link's listing never shows where the folder lies in its owner's space).
boost::asio::awaitable<void> serve_folder(Exchange& exchange, const Caller& caller,
                                          const std::string& folder, std::string_view shown = {});

// 301 to the request's own path with "/" appended (the query kept).
boost::asio::awaitable<void> redirect_to_folder(Exchange& exchange);

// 404 not_a_directory: a file's URL was asked for as a folder (with a trailing slash).
boost::asio::awaitable<void> refuse_file_as_folder(Exchange& exchange);

// True when an Accept value lists application/json (q > 0) at least as high as text/html.
bool wants_json(std::string_view accept);

}  // namespace netdisk::server::http
