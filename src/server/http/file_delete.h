// DELETE /files/<path>: removes a file or a folder with everything in it (the remove op;
// storage::UserSpace::remove, then remove_tree for a folder that is not empty, as WebDAV's
// DELETE of a collection wants; a conditional DELETE stays a single checked step). The RFC
// 9110 preconditions (If-Match, If-Unmodified-Since, If-None-Match) are checked by the storage
// step that unlinks, under the name's lock, so a file replaced meanwhile is never removed by a
// request that named the old version. A URL ending in "/" removes only a folder. Connection thread.
#pragma once

#include <string>

#include <boost/asio/awaitable.hpp>

namespace netdisk::server::http {

class Exchange;
struct Caller;

// `path` is decoded, without the trailing slash of a folder URL (`folder_url`).
boost::asio::awaitable<void> serve_delete(Exchange& exchange, const Caller& caller,
                                          const std::string& path, bool folder_url);

}  // namespace netdisk::server::http
