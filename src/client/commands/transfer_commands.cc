#include "client/commands/transfer_commands.h"

#include <filesystem>
#include <optional>
#include <set>
#include <stdexcept>

#include "client/commands/existing_target.h"
#include "client/remote_glob.h"
#include "client/remote_listing.h"
#include "client/remote_path.h"
#include "client/transfer/file_download.h"
#include "client/transfer/file_upload.h"
#include "client/transfer/rate_limit.h"
#include "client/transfer/transfer_batch.h"

namespace netdisk::client {
namespace {

namespace fs = std::filesystem;

struct Plan {
  std::vector<TransferJob> jobs;
  std::size_t refused = 0;  // files left out before any transfer (reported already)
};

std::string hint(const Connector& connector, const std::string& command, const std::string& a,
                 const std::string& b) {
  const auto& options = connector.options();
  return command_hint(options.mode, command + " " + shell_quote(a) + " " + shell_quote(b),
                      options.server.to_string(), options.user);
}

// Checked before anything is asked or sent: a bad --limit-rate is a usage error.
BatchSettings batch_settings(const TransferFlags& flags) {
  return {flags.jobs, flags.limit_rate.empty() ? 0 : parse_rate(flags.limit_rate)};
}

int run_plan(Connector& connector, Plan& plan, const BatchSettings& settings,
             ProgressDisplay& display) {
  auto result = run_transfers(connector, plan.jobs, settings, display);
  result.failed += plan.refused;
  return exit_status(result);
}

// Why `local` cannot be sent, or nullopt when it is a regular file (or a link to one).
std::optional<std::string> not_uploadable(const std::string& local) {
  std::error_code error;
  auto status = fs::status(local, error);
  if (fs::is_regular_file(status)) return std::nullopt;
  if (fs::is_directory(status)) return "is a folder; put sends files";
  if (status.type() == fs::file_type::not_found) return "no such file";
  if (error) return "cannot be read: " + error.message();
  // A device, FIFO or socket has no size to announce and no checksum to resume by.
  return "is not a regular file (a device, FIFO or socket); put sends regular files";
}

// put: which local files go to which remote paths.
Plan plan_uploads(Connector& connector, const PutOptions& options, ProgressDisplay& display) {
  auto& link = connector.authenticated();
  std::vector<std::string> locals = options.paths;
  std::string remote_dir = normalize_remote(options.to);
  std::string single_remote;  // `put LOCAL REMOTE`
  bool named_target = options.to.empty() && locals.size() == 2 && !fs::exists(locals[1]);
  if (named_target) {
    single_remote = normalize_remote(locals[1]);
    locals.pop_back();
    if (options.paths[1].ends_with('/') || is_remote_directory(link, single_remote)) {
      remote_dir = single_remote;
      single_remote.clear();
    }
  }
  Plan plan;
  for (const auto& local : locals) {
    if (auto why_not = not_uploadable(local)) {
      display.message("netdisk: " + local + ": " + *why_not);
      ++plan.refused;
      continue;
    }
    std::string remote = !single_remote.empty()
                             ? single_remote
                             : join_remote(remote_dir, fs::path(local).filename().string());
    plan.jobs.push_back({local, hint(connector, "put", local, remote),
                         [local, remote, resume = options.resume](ServerLink& worker,
                                                                  TransferContext& context) {
                           upload_file(worker, local, remote, context, resume);
                         }});
  }
  return plan;
}

// get: where each remote file lands, as in cp: with two arguments the second is the local name
// (or folder); with more, the last one is the local folder if it is one (or ends in "/"), and
// otherwise every argument is a remote file saved in the current folder.
// Each remote argument may be a pattern (remote_glob.h); a local name takes one file only.
std::vector<std::pair<std::string, fs::path>> download_targets(
    ServerLink& link, const std::vector<std::string>& args) {
  std::vector<std::string> remotes = args;
  fs::path local_dir = ".";
  std::optional<fs::path> local_name;
  const std::string& last = args.back();
  bool last_is_dir = last.ends_with('/') || fs::is_directory(last);
  if (args.size() >= 2 && (args.size() == 2 || last_is_dir)) {
    remotes.pop_back();
    if (last_is_dir)
      local_dir = last;
    else
      local_name = last;
  }
  std::vector<std::pair<std::string, fs::path>> targets;
  for (const auto& typed : remotes) {
    auto found = expand_remote(link, typed, true);
    if (local_name && found.size() > 1) {
      throw std::invalid_argument(typed + " matches " + std::to_string(found.size()) +
                                  " files: give a local folder as the last argument");
    }
    for (const auto& remote : found) {
      targets.emplace_back(remote, local_name ? *local_name : local_dir / remote_basename(remote));
    }
  }
  return targets;
}

Plan plan_downloads(Connector& connector, const GetOptions& options, ProgressDisplay& display) {
  Plan plan;
  std::set<fs::path> seen;
  for (auto& [remote, target] : download_targets(connector.link(), options.paths)) {
    if (remote.empty() || !seen.insert(fs::absolute(target).lexically_normal()).second) {
      display.message("netdisk: " + target.string() +
                      (remote.empty() ? ": name a file to get" : ": named twice; skipped"));
      ++plan.refused;
      continue;
    }
    auto decided = plan_target(connector.link(), remote, target,
                               {options.resume, options.overwrite}, display);
    if (decided.action != TargetAction::download) {
      if (decided.action == TargetAction::refuse) ++plan.refused;
      continue;
    }
    // A target continued in place is continued again only when told so (or asked).
    bool in_place = decided.request.start == DownloadStart::resume_target;
    plan.jobs.push_back(
        {remote, hint(connector, in_place ? "get --resume" : "get", remote, target.string()),
         [request = std::move(decided.request)](ServerLink& link, TransferContext& context) {
           download_file(link, request, context);
         }});
  }
  return plan;
}

}  // namespace

int put_command(Connector& connector, const PutOptions& options) {
  auto settings = batch_settings(options.flags);
  ProgressDisplay display(ProgressDisplay::mode_for(options.flags.quiet, 2));
  auto plan = plan_uploads(connector, options, display);
  return run_plan(connector, plan, settings, display);
}

int get_command(Connector& connector, const GetOptions& options) {
  if (options.resume && options.overwrite) {
    throw std::invalid_argument("--resume and --overwrite contradict each other");
  }
  auto settings = batch_settings(options.flags);
  ProgressDisplay display(ProgressDisplay::mode_for(options.flags.quiet, 2));
  connector.authenticated();
  auto plan = plan_downloads(connector, options, display);
  return run_plan(connector, plan, settings, display);
}

std::string shell_quote(const std::string& word) {
  bool plain = !word.empty() && word.find_first_not_of(
                                    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                    "0123456789._-/+=:@,") == std::string::npos;
  if (plain) return word;
  std::string quoted = "'";
  for (char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

}  // namespace netdisk::client
