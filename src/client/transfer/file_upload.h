// Uploading one local file (docs/PROTOCOL.md, section 8): XXH3-128 of the whole file first,
// then `upload` {path, size, checksum}; the server answers with how many bytes it already holds
// from an interrupted upload of the same (path, size, checksum), and only the rest is sent as
// one `upload.data` stream, straight from the file with sendfile(2). The server replaces an
// existing file atomically when the last byte is in. Runs on the calling (worker) thread.
#pragma once

#include <filesystem>
#include <string>

#include "client/server_link.h"
#include "client/transfer/transfer_context.h"

namespace netdisk::client {

// Uploads `local` to the protocol path `remote`. Throws ServerError when the server refuses,
// Interrupted on Ctrl-C, std::runtime_error for local or connection trouble (the connection is
// then out of step: drop it). What was sent stays on the server for a later resume, which
// happens by itself; `expect_resume` (put --resume) adds a note when there was nothing to resume.
void upload_file(ServerLink& link, const std::filesystem::path& local,
                 const std::string& remote, TransferContext& context, bool expect_resume = false);

}  // namespace netdisk::client
