// PUT /files/<path>: the raw request body becomes the file, streamed into a
// storage::UploadSink (the local backend: a hidden partial file, fsync, atomic rename over the
// target), so a reader sees the old or the new file, never a mix, and the body is never held
// in memory. The body has a
// Content-Length or is chunked (Transfer-Encoding: chunked, decoded by Beast: chunked_body.h);
// a chunked body with X-Expected-Entity-Length must bring exactly that many bytes, one without
// is an unsized upload that publishes what arrived. Neither resumes. 411 without either, 501
// for another transfer coding; "Expect: 100-continue" is answered only after the checks pass.
// The body moves through the transfer engine (transfer/transfer_engine.h), paced and written
// on the blocking pool as a TCP upload's stream is. RFC 9110
// preconditions (If-Match, If-None-Match: *, If-Unmodified-Since) are checked before the body
// is read and again inside the commit, atomically with the rename (412). Connection thread.
#pragma once

#include <string>

#include <boost/asio/awaitable.hpp>

#include "storage/target_check.h"

namespace netdisk::server::http {

class Exchange;
struct Caller;

// `forced`, when set, is the condition the upload must meet instead of the request's own
// (a share link's drop box: storage::require_absent(), it never replaces a file).
boost::asio::awaitable<void> serve_upload(Exchange& exchange, const Caller& caller,
                                          const std::string& path,
                                          const storage::TargetCheck* forced = nullptr);

}  // namespace netdisk::server::http
