#include "client/commands/existing_target.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <stdexcept>

#include "client/content_hash.h"
#include "client/progress/progress_format.h"
#include "client/terminal.h"
#include "client/transfer/partial_download.h"

namespace netdisk::client {
namespace {

namespace fs = std::filesystem;

// The server's file, as `stat` describes it.
struct RemoteFile {
  std::uint64_t size = 0;
  std::string version;
};

std::optional<RemoteFile> remote_file(ServerLink& link, const std::string& remote) {
  try {
    auto stat = link.call("stat", {{"path", remote}});
    if (stat.value("type", std::string()) != "file") return std::nullopt;
    return RemoteFile{stat.value("size", std::uint64_t{0}), stat.value("version", std::string())};
  } catch (const ServerError&) {
    return std::nullopt;  // the download itself reports it (not_found...)
  }
}

std::string remote_checksum(ServerLink& link, const std::string& remote) {
  try {
    return link.call("checksum", {{"path", remote}}).value("checksum", std::string());
  } catch (const ServerError&) {
    return "";  // gone meanwhile: not identical; the download reports it
  }
}

std::string local_checksum(const fs::path& target, std::uint64_t size) {
  int fd = ::open(target.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    throw std::runtime_error(target.string() + ": cannot read: " + std::strerror(errno));
  }
  ContentHasher hasher;
  try {
    hash_file_prefix(fd, size, hasher, target.string());
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  return hasher.hex();
}

TargetPlan download(const std::string& remote, const fs::path& target, DownloadStart start,
                    std::string version = {}) {
  return {TargetAction::download, DownloadRequest{remote, target, start, std::move(version)}};
}

// Whether to continue TARGET.part, if there is one.
DownloadStart part_start(const fs::path& target, const TargetAnswers& answers) {
  fs::path part = PartialDownload::part_path(target);
  if (!fs::exists(part) || answers.overwrite) return DownloadStart::fresh;
  if (answers.resume || !is_interactive()) return DownloadStart::resume_part;  // server decides
  char answer = ask(part.string() +
                        " holds an interrupted download: continue where it stopped (c) or start "
                        "over (s)? [C/s] ",
                    'c');
  return answer == 's' ? DownloadStart::fresh : DownloadStart::resume_part;
}

// TARGET is longer than the server's file, differs from it, or could not be compared.
TargetPlan replace_or_keep(const std::string& remote, const fs::path& target,
                           const std::string& how, const TargetAnswers& answers,
                           ProgressDisplay& display) {
  auto replace = [&] { return download(remote, target, part_start(target, answers)); };
  if (answers.overwrite) return replace();
  if (!is_interactive()) {
    display.message("netdisk: " + target.string() + " exists" + how +
                    "; use --overwrite to replace it");
    return {TargetAction::refuse, {}};
  }
  if (ask(target.string() + " exists" + how + "; replace it? [y/N] ", 'n') == 'y') {
    return replace();
  }
  display.message("netdisk: kept " + target.string());
  return {TargetAction::skip, {}};
}

// TARGET holds fewer bytes than the server's file: perhaps the start of it.
TargetPlan continue_or_start_over(const std::string& remote, const fs::path& target,
                                  std::uint64_t held, const RemoteFile& file,
                                  const TargetAnswers& answers, ProgressDisplay& display) {
  auto resume = [&] {
    return download(remote, target, DownloadStart::resume_target, file.version);
  };
  if (answers.overwrite) return download(remote, target, DownloadStart::fresh);
  if (answers.resume) return resume();
  std::string holds = target.string() + " exists with " + human_bytes(held) + " of the " +
                      human_bytes(file.size) + " of " + remote;
  if (!is_interactive()) {
    display.message("netdisk: " + holds +
                    ": use --resume to continue it or --overwrite to start over");
    return {TargetAction::refuse, {}};
  }
  char answer = ask(holds + ": continue where it stopped (c) or start over (s)? [C/s] ", 'c');
  return answer == 's' ? download(remote, target, DownloadStart::fresh) : resume();
}

}  // namespace

TargetPlan plan_target(ServerLink& link, const std::string& remote, const fs::path& target,
                       const TargetAnswers& answers, ProgressDisplay& display) {
  if (!fs::exists(target)) return download(remote, target, part_start(target, answers));
  if (fs::is_directory(target)) {
    display.message("netdisk: " + target.string() + " is a folder; give another local name");
    return {TargetAction::refuse, {}};
  }
  auto file =
      fs::is_regular_file(fs::symlink_status(target)) ? remote_file(link, remote) : std::nullopt;
  if (!file) return replace_or_keep(remote, target, "", answers, display);
  auto held = fs::file_size(target);
  if (held < file->size) {
    return continue_or_start_over(remote, target, held, *file, answers, display);
  }
  if (held > file->size) {
    return replace_or_keep(remote, target, " and is longer than " + remote + " on the server",
                           answers, display);
  }
  if (local_checksum(target, held) == remote_checksum(link, remote)) {
    display.message("netdisk: " + target.string() + " is already identical to " + remote +
                    " (same size and checksum); nothing to transfer");
    return {TargetAction::skip, {}};
  }
  return replace_or_keep(remote, target, " and differs from " + remote + " on the server", answers,
                         display);
}

}  // namespace netdisk::client
