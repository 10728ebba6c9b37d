#include "client/commands/file_commands.h"

#include <algorithm>
#include <iostream>

#include "client/commands/listing_format.h"
#include "client/remote_glob.h"
#include "client/remote_listing.h"
#include "client/remote_path.h"

namespace netdisk::client {
namespace {

// Runs `step` for each path, reporting a refusal on its own line and carrying on.
template <typename Step>
int for_each_path(const std::vector<std::string>& paths, Step step) {
  int status = 0;
  for (const auto& typed : paths) {
    try {
      step(normalize_remote(typed));
    } catch (const ServerError& error) {
      std::string text = error.what();
      if (text.find(typed) == std::string::npos) text = typed + ": " + text;
      std::cerr << "netdisk: " << text << " (" << error.code() << ")\n";
      status = 1;
    }
  }
  return status;
}

}  // namespace

int ls_command(Connector& connector, const LsOptions& options) {
  auto& link = connector.authenticated();
  std::string path = normalize_remote(options.path);
  std::vector<RemoteEntry> entries;
  try {
    entries = list_remote(link, path);
  } catch (const ServerError& error) {
    if (error.code() != "not_a_directory") throw;
    entries = {stat_remote(link, path)};  // `ls FILE` shows that one file
  }
  std::cout << format_listing(entries, options.long_format) << std::flush;
  return 0;
}

int rm_command(Connector& connector, const RmOptions& options) {
  auto& link = connector.authenticated();
  std::vector<std::string> targets;  // patterns expanded (remote_glob.h)
  int status = for_each_path(options.paths, [&](const std::string& path) {
    auto found = expand_remote(link, path, false);
    targets.insert(targets.end(), found.begin(), found.end());
  });
  int removed = for_each_path(targets, [&](const std::string& path) {
    nlohmann::json fields = {{"path", path}};
    if (options.recursive) fields["recursive"] = true;
    if (options.permanent) fields["permanent"] = true;
    link.call("remove", fields);
  });
  return std::max(status, removed);
}

int mv_command(Connector& connector, const std::string& from, const std::string& to) {
  auto& link = connector.authenticated();
  std::string source = normalize_remote(from);
  std::string target = normalize_remote(to);
  if (is_remote_directory(link, target)) target = join_remote(target, remote_basename(source));
  link.call("rename", {{"from", source}, {"to", target}});
  return 0;
}

int mkdir_command(Connector& connector, const MkdirOptions& options) {
  auto& link = connector.authenticated();
  return for_each_path(options.paths, [&](const std::string& path) {
    link.call("mkdir", {{"path", path}, {"parents", options.parents}});
  });
}

}  // namespace netdisk::client
