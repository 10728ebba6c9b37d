// What `get` does before downloading REMOTE to TARGET when something is already there. An
// existing TARGET is compared with the server's file: identical (size and checksum) means
// nothing to transfer; shorter means "continue where it stopped or start over?" (continuing
// only once the server confirms the bytes are a prefix of its file, see file_download.h);
// longer or different means "replace it?". An interrupted download's TARGET.part is offered
// to continue as before. --resume and --overwrite answer for scripts; without a terminal and
// without the flag that answers, the file is refused. Main thread only (it may ask).
#pragma once

#include <filesystem>
#include <string>

#include "client/server_link.h"
#include "client/progress/progress_display.h"
#include "client/transfer/file_download.h"

namespace netdisk::client {

struct TargetAnswers {
  bool resume = false;     // continue TARGET.part or a shorter TARGET without asking
  bool overwrite = false;  // start over and replace an existing TARGET without asking
};

enum class TargetAction { download, skip, refuse };

struct TargetPlan {
  TargetAction action = TargetAction::download;
  DownloadRequest request;  // with action download
};

// Decides, asking on the terminal when it must; messages about skipped or refused files go to
// `display`. Throws std::runtime_error when TARGET cannot be read.
TargetPlan plan_target(ServerLink& link, const std::string& remote,
                       const std::filesystem::path& target, const TargetAnswers& answers,
                       ProgressDisplay& display);

}  // namespace netdisk::client
