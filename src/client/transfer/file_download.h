// Downloading one server file (docs/PROTOCOL.md, section 8) into TARGET.part, then renaming it
// to TARGET once every byte is in and the whole file's XXH3-128 matches the server's. With
// `try_resume` an existing TARGET.part is continued: the request carries its size as offset,
// the server version it came from and the checksum of its bytes, and the server refuses
// (version_mismatch, offset_out_of_range) if they no longer describe its file, in which case
// the download starts over and says so in the summary. Runs on the calling (worker) thread.
#pragma once

#include <filesystem>
#include <string>

#include "client/client_session.h"
#include "client/transfer/transfer_context.h"

namespace netdisk::client {

// Throws ServerError when the server refuses, Interrupted on Ctrl-C (TARGET.part is kept),
// std::runtime_error for local or connection trouble (TARGET.part is kept, except after a
// checksum mismatch, when nothing is kept).
void download_file(ClientSession& session, const std::string& remote,
                   const std::filesystem::path& target, bool try_resume, TransferContext& context);

}  // namespace netdisk::client
