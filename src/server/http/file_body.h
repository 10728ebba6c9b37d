// send_file_body: writes a range of an open file as (part of) a response body, after the header
// went out, through the transfer engine shared with the TCP protocol (transfer/transfer_engine.h):
// sendfile(2) on plain TCP, or pread on the blocking pool plus a stream write where sendfile
// cannot apply (TLS) or --send-mode buffered asks for it. Either way the body is paced by
// --min-stream-rate and every stall is bounded by --http-body-timeout. Connection thread.
#pragma once

#include <cstdint>

#include <boost/asio/awaitable.hpp>

#include "storage/user_space.h"

namespace netdisk::server::http {

class Exchange;

// False when the peer went away, stalled past the body timeout, or the file could not be read:
// the response is then shorter than promised and the connection must close.
boost::asio::awaitable<bool> send_file_body(Exchange& exchange, storage::OpenFile& file,
                                            std::uint64_t offset, std::uint64_t length);

}  // namespace netdisk::server::http
