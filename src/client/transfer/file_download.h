// Downloading one server file (docs/PROTOCOL.md, section 8). A fresh download goes to
// TARGET.part, renamed to TARGET once every byte is in and the whole file's XXH3-128 matches
// the server's, so an existing TARGET stays whole until its replacement is complete. Two ways
// to continue: an existing TARGET.part (resume_part), whose recorded server version and
// checksum go with the request, or an existing shorter TARGET itself (resume_target), sent
// with the version the caller saw and the checksum of its bytes, and appended to in place.
// When the server refuses either (version_mismatch, offset_out_of_range: the held bytes are
// not a prefix of its current file) the download starts over and says so in the summary.
// Runs on the calling (worker) thread.
#pragma once

#include <filesystem>
#include <string>

#include "client/server_link.h"
#include "client/transfer/transfer_context.h"

namespace netdisk::client {

enum class DownloadStart { fresh, resume_part, resume_target };

struct DownloadRequest {
  std::string remote;
  std::filesystem::path target;
  DownloadStart start = DownloadStart::fresh;
  std::string remote_version;  // resume_target: the server version TARGET is compared with
};

// Throws ServerError when the server refuses, Interrupted on Ctrl-C (what was received is
// kept), std::runtime_error for local or connection trouble (what was received is kept,
// except after a checksum mismatch: then TARGET.part is removed, or TARGET cut back to the
// bytes it held before).
void download_file(ServerLink& link, const DownloadRequest& request,
                   TransferContext& context);

}  // namespace netdisk::client
