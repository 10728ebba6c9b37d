#include "client/commands/share_commands.h"

#include <iomanip>
#include <iostream>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "client/connector.h"
#include "client/password_prompt.h"
#include "client/remote_path.h"
#include "client/server_link.h"
#include "common/duration_text.h"

namespace netdisk::client {
namespace {

using json = nlohmann::json;

std::string text_or(const json& value, std::string_view fallback) {
  return value.is_string() ? value.get<std::string>() : std::string(fallback);
}

// A URL's token ("http://host:7080/s/<token>" or "/s/<token>/..."), or `typed` as it is.
std::string token_or_target(const std::string& typed) {
  auto at = typed.find("/s/");
  if (at == std::string::npos) return typed;
  std::string rest = typed.substr(at + 3);
  return rest.substr(0, rest.find('/'));
}

}  // namespace

int share_command(Connector& connector, const ShareOptions& options) {
  json request = {{"path", normalize_remote(options.path)}};
  if (!options.expires.empty()) {
    auto seconds = parse_duration(options.expires);
    if (!seconds) {
      throw std::invalid_argument("--expires takes a duration such as 7d, 12h, 30m or 90s");
    }
    request["expires_in"] = seconds->count();
  }
  if (options.max_downloads != 0) request["max_downloads"] = options.max_downloads;
  if (options.upload_only) request["upload_only"] = true;
  if (options.password) {
    request["password"] = read_new_password("Password for the link: ", "NETDISK_SHARE_PASSWORD");
  }
  auto& link = connector.authenticated();
  auto reply = link.call("share.create", request);
  // The server knows the address its HTTP port answers on; without one, say so.
  std::string url = text_or(reply["url"], "");
  if (url.empty()) {
    url = text_or(reply["link"], "?");
    std::cerr << "netdisk: the server has no HTTP port open; the link's path is below\n";
  }
  std::cout << url << "\n";
  return 0;
}

int shares_command(Connector& connector) {
  auto reply = connector.authenticated().call("share.list");
  const auto& links = reply["links"];
  if (!links.is_array() || links.empty()) {
    std::cout << "no share links\n";
    return 0;
  }
  std::cout << fmt::format("{:<12}  {:<9}  {:>9}  {:<20}  {:<9}  {}\n", "ID", "KIND", "DOWNLOADS",
                           "EXPIRES", "STATE", "PATH");
  for (const auto& entry : links) {
    std::string downloads = std::to_string(entry.value("downloads", 0ull));
    if (entry["max_downloads"].is_number()) {
      downloads += "/" + std::to_string(entry["max_downloads"].get<std::uint64_t>());
    }
    std::string kind = text_or(entry["kind"], "?");
    if (entry.value("password", false)) kind += "+pw";
    std::string path = text_or(entry["path"], "");
    std::cout << fmt::format(
        "{:<12}  {:<9}  {:>9}  {:<20}  {:<9}  /{}\n", text_or(entry["link_id"], "?"), kind,
        downloads, text_or(entry["expires"], "never"), text_or(entry["state"], "?"), path);
  }
  return 0;
}

int unshare_command(Connector& connector, const std::string& target) {
  // A path is sent as the server knows paths ("/a/b" is "a/b"); a token or id stays as it is.
  std::string what = normalize_remote(token_or_target(target));
  auto reply = connector.authenticated().call("share.revoke", {{"target", what}});
  std::cout << "revoked " << reply.value("revoked", 0) << " link(s)\n";
  return 0;
}

}  // namespace netdisk::client
