#include "client/commands/trash_commands.h"

#include <iostream>

#include <fmt/format.h>

#include "client/commands/listing_format.h"
#include "client/remote_path.h"

namespace netdisk::client {

int trash_list_command(Connector& connector) {
  auto reply = connector.authenticated().call("trash.list");
  const auto& entries = reply.at("entries");
  if (entries.empty()) {
    std::cout << "The trash is empty.\n";
    return 0;
  }
  // ID, when removed, size, original path (a folder ends in "/", as in ls).
  for (const auto& entry : entries) {
    std::string path = entry.at("path").get<std::string>();
    if (entry.at("type") == "dir") path += "/";
    std::cout << fmt::format("{}  {}  {:>12}  {}\n", entry.at("id").get<std::string>(),
                             short_time(entry.at("removed").get<std::string>()),
                             entry.at("size").get<std::uint64_t>(), path);
  }
  return 0;
}

int trash_restore_command(Connector& connector, const TrashRestoreOptions& options) {
  nlohmann::json fields = {{"name", options.name}};
  if (!options.as.empty()) fields["to"] = normalize_remote(options.as);
  auto reply = connector.authenticated().call("trash.restore", fields);
  std::cout << "restored " << reply.at("path").get<std::string>() << "\n";
  return 0;
}

int trash_empty_command(Connector& connector, const std::string& name) {
  nlohmann::json fields = nlohmann::json::object();
  if (!name.empty()) fields["name"] = name;
  auto reply = connector.authenticated().call("trash.empty", fields);
  auto removed = reply.at("removed").get<std::uint64_t>();
  std::cout << fmt::format("deleted {} {} for good ({} bytes)\n", removed,
                           removed == 1 ? "entry" : "entries",
                           reply.at("bytes").get<std::uint64_t>());
  return 0;
}

int versions_command(Connector& connector, const std::string& path) {
  auto reply = connector.authenticated().call("versions.list", {{"path", normalize_remote(path)}});
  const auto& versions = reply.at("versions");
  if (versions.empty()) {
    std::cout << path << " has no earlier versions.\n";
    return 0;
  }
  // VERSION (what `restore --version` takes), when replaced, size, checksum.
  for (const auto& version : versions) {
    std::cout << fmt::format("{}  {}  {:>12}  {}\n", version.at("id").get<std::string>(),
                             short_time(version.at("time").get<std::string>()),
                             version.at("size").get<std::uint64_t>(),
                             version.at("checksum").get<std::string>());
  }
  return 0;
}

int version_restore_command(Connector& connector, const VersionRestoreOptions& options) {
  std::string path = normalize_remote(options.path);
  connector.authenticated().call("versions.restore",
                                 {{"path", path}, {"version", options.version}});
  std::cout << "restored " << path << " to version " << options.version
            << " (the replaced content is kept as a version)\n";
  return 0;
}

}  // namespace netdisk::client
