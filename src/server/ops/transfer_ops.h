// Transfer ops: upload, upload.data and download (docs/PROTOCOL.md, sections 5 and 8). An
// upload is announced, may resume from the bytes a partial file already holds, and is
// published atomically when its last byte arrives; upload.data returns a StreamIn for the
// transport to fill, then its finish step commits. A download returns a StreamOut (the open
// file and the range) after checking that a resume's version and prefix checksum both match.
#pragma once

#include "server/ops/operation.h"

namespace netdisk::server::ops {

// Honours OpCall::target_check (HTTP PUT's preconditions) instead of if_version / if_absent.
// Such a one-shot upload may leave out "size" (an HTTP chunked body): it is then unsized
// (storage's begin_unsized_upload(), not resumable) and publishes what its body held.
boost::asio::awaitable<OpResult> upload(OpCall& call);
// The request's "stream" is the number of bytes that follow for the pending upload; for an
// unsized one it is not read, and the StreamIn says until_body_end.
boost::asio::awaitable<OpResult> upload_data(OpCall& call);
boost::asio::awaitable<OpResult> download(OpCall& call);

}  // namespace netdisk::server::ops
