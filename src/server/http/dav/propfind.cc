#include "server/http/dav/propfind.h"

#include <chrono>

#include <spdlog/spdlog.h>

#include "server/dav/lock_body.h"
#include "server/dav/multistatus.h"
#include "server/dav/propfind_body.h"
#include "server/http/api_adapter.h"
#include "server/http/auth.h"
#include "server/http/dav/dav_headers.h"
#include "server/http/dav/dav_op.h"
#include "server/http/dav/multistatus_writer.h"
#include "server/http/exchange.h"
#include "server/http/folder_listing.h"
#include "server/http/http_services.h"
#include "server/http/responses.h"
#include "server/http/url.h"
#include "server/services.h"
#include "storage/iso_time.h"

namespace netdisk::server::http::dav {
namespace {

namespace asio = boost::asio;
using json = nlohmann::json;
using server::dav::PropfindRequest;
using server::dav::Resource;

constexpr std::size_t kMaxPropfindBody = 64 * 1024;
constexpr std::string_view kFileType = "application/octet-stream";  // what GET says

std::string rfc1123_of(const std::string& iso) {
  auto when = storage::parse_iso8601_utc(iso);
  if (!when) return "";
  return http_date(
      std::chrono::duration_cast<std::chrono::seconds>(when->time_since_epoch()).count());
}

// `entry` is a list or stat reply entry (type, size, mtime, and a file's version).
Resource resource_of(const json& entry, std::string href, std::string name) {
  Resource resource;
  resource.collection = entry.value("type", "") == "dir";
  resource.href = std::move(href);
  resource.display_name = std::move(name);
  resource.created = entry.value("mtime", "");
  resource.last_modified = rfc1123_of(resource.created);
  if (!resource.collection) {
    resource.size = entry.value("size", std::uint64_t{0});
    resource.etag = "\"" + entry.value("version", "") + "\"";  // the ETag GET gives
    resource.content_type = kFileType;
  }
  return resource;
}

// The <D:activelock> elements of the locks covering `path` (lockdiscovery's value).
std::string active_locks_of(Exchange& exchange, const std::string& user, std::string_view path) {
  auto locks = exchange.services().locks.covering(user, path);
  if (locks.empty()) return {};
  auto href_of = [](std::string_view root) { return "/files/" + percent_encode_path(root); };
  return server::dav::activelocks_xml(locks, href_of, exchange.services().server.now());
}

// Dead properties are read only when the request shows them (needs_dead_properties), in one
// props.get call per listing page: the common PROPFIND of live names pays nothing for them.
asio::awaitable<Status> add_dead_properties(Exchange& exchange, ops::Session& session,
                                            const std::vector<std::string>& paths,
                                            std::vector<Resource>& resources) {
  json ask = {{"paths", paths}};
  auto got = co_await call_op(exchange, session, ops::FilesRole::properties, ask);
  if (!got) co_return std::move(got).error();
  const auto& all = got->fields["properties"];
  for (std::size_t i = 0; i < resources.size() && i < all.size(); ++i) {
    if (!all[i].is_array()) continue;  // gone since it was listed
    for (const auto& property : all[i]) {
      resources[i].dead.push_back(
          {{property.value("ns", ""), property.value("name", "")}, property.value("value", "")});
    }
  }
  co_return Status{};
}

std::string_view base_name(std::string_view path) {
  auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// The folder's own response, then its entries a listing page (one chunk) at a time.
asio::awaitable<void> stream_folder(Exchange& exchange, ops::Session& session,
                                    const std::string& user, const std::string& path,
                                    const Resource& self,
                                    const PropfindRequest& request) {
  MultistatusWriter writer(exchange);
  if (!co_await writer.start()) co_return;
  std::string out = server::dav::multistatus_open();
  server::dav::append_response(out, self, request);
  std::string after;
  for (bool more = true; more;) {
    json ask = {{"path", path}, {"after", after}, {"versions", true}};
    auto page = co_await call_op(exchange, session, ops::FilesRole::list, ask);
    if (!page) {
      // The 207 is under way: only a cut body can tell the client it is incomplete.
      spdlog::warn("http: PROPFIND listing failed midway: {}", page.error().message);
      exchange.close_after();
      co_return;
    }
    const auto& entries = page->fields["entries"];
    std::vector<Resource> members;
    std::vector<std::string> member_paths;
    for (const auto& entry : entries) {
      std::string name = entry.value("name", "");
      std::string href = self.href + percent_encode_path(name);
      if (entry.value("type", "") == "dir") href += '/';
      members.push_back(resource_of(entry, std::move(href), name));
      member_paths.push_back(path.empty() ? name : path + "/" + name);
      members.back().active_locks = active_locks_of(exchange, user, member_paths.back());
    }
    if (!members.empty() && server::dav::needs_dead_properties(request)) {
      auto added = co_await add_dead_properties(exchange, session, member_paths, members);
      if (!added) {
        spdlog::warn("http: PROPFIND properties failed midway: {}", added.error().message);
        exchange.close_after();
        co_return;
      }
    }
    for (const auto& member : members) server::dav::append_response(out, member, request);
    if (!co_await writer.write(out)) co_return;
    out.clear();
    more = page->fields.value("more", false) && !entries.empty();
    if (more) after = entries.back().value("name", "");
  }
  if (!co_await writer.write(server::dav::multistatus_close())) co_return;
  co_await writer.finish();
}

}  // namespace

asio::awaitable<void> serve_propfind(Exchange& exchange, const Caller& caller,
                                     const std::string& path, bool folder_url) {
  const auto& headers = exchange.request();
  auto depth = parse_depth(exchange.header("Depth"), headers.find("Depth") != headers.end(),
                           Depth::infinity);
  if (!depth) {
    co_return co_await exchange.send_error(
        make_error(Errc::bad_request, "Depth must be 0, 1 or infinity"));
  }
  if (*depth == Depth::infinity) {
    exchange.close_after();  // the body, if any, is not read
    co_return co_await send_xml(exchange, bhttp::status::forbidden,
                                server::dav::error_body("propfind-finite-depth"));
  }
  auto body = co_await exchange.read_body(kMaxPropfindBody);
  if (!body) co_return co_await exchange.send_error(body.error());
  auto request = server::dav::parse_propfind(*body);
  if (!request) co_return co_await exchange.send_error(request.error());

  auto session = http_session(exchange, ops::Transport::http);
  session.assume_user(caller.username);
  auto stat = co_await stat_url(exchange, session, path, folder_url);
  if (!stat) co_return;
  bool folder = stat->folder;
  auto self = resource_of(stat->fields, std::move(stat->href), std::string(base_name(path)));
  self.active_locks = active_locks_of(exchange, caller.username, path);
  if (server::dav::needs_dead_properties(*request)) {
    std::vector<Resource> one{std::move(self)};
    std::vector<std::string> paths{path};
    auto added = co_await add_dead_properties(exchange, session, paths, one);
    if (!added) co_return co_await exchange.send_error(added.error());
    self = std::move(one.front());
  }
  if (folder && *depth == Depth::one) {
    co_return co_await stream_folder(exchange, session, caller.username, path, self, *request);
  }
  std::string out = server::dav::multistatus_open();
  server::dav::append_response(out, self, *request);
  out += server::dav::multistatus_close();
  co_await send_xml(exchange, bhttp::status::multi_status, std::move(out));
}

}  // namespace netdisk::server::http::dav
