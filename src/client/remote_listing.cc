#include "client/remote_listing.h"

#include "client/remote_path.h"

namespace netdisk::client {
namespace {

RemoteEntry entry_from(const nlohmann::json& object, std::string name) {
  RemoteEntry entry;
  entry.name = std::move(name);
  entry.is_directory = object.value("type", std::string()) == "dir";
  entry.size = object.value("size", std::uint64_t{0});
  entry.mtime = object.value("mtime", std::string());
  return entry;
}

}  // namespace

std::vector<RemoteEntry> list_remote(ServerLink& link, const std::string& path) {
  std::vector<RemoteEntry> entries;
  nlohmann::json request = {{"path", path}};
  while (true) {
    auto page = link.call("list", request);
    auto listed = page.value("entries", nlohmann::json::array());
    for (const auto& object : listed) {
      entries.push_back(entry_from(object, object.value("name", std::string())));
    }
    // A server that says "more" but sends nothing would make this loop forever.
    if (!page.value("more", false) || listed.empty()) break;
    request["after"] = entries.back().name;
  }
  return entries;
}

RemoteEntry stat_remote(ServerLink& link, const std::string& path) {
  return entry_from(link.call("stat", {{"path", path}}), remote_basename(path));
}

bool is_remote_directory(ServerLink& link, const std::string& path) {
  if (path.empty()) return true;
  try {
    return stat_remote(link, path).is_directory;
  } catch (const ServerError& error) {
    if (error.code() == "not_found" || error.code() == "not_a_directory") return false;
    throw;
  }
}

}  // namespace netdisk::client
