// Transfer ops: upload, upload.data and download (docs/PROTOCOL.md, sections 5 and 8). An
// upload is announced, may resume from the bytes a partial file already holds, and is
// published atomically when its last byte arrives; a download streams a file range after a
// reply that gives its size and version, and resumes only when version and prefix checksum
// both match.
#pragma once

#include "server/op_table.h"

namespace netdisk::server::handlers {

boost::asio::awaitable<HandlerResult> upload(RequestContext& context);
boost::asio::awaitable<HandlerResult> upload_data(RequestContext& context);
boost::asio::awaitable<HandlerResult> download(RequestContext& context);

}  // namespace netdisk::server::handlers
