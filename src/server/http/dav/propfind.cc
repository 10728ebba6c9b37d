#include "server/http/dav/propfind.h"

#include <chrono>

#include <spdlog/spdlog.h>

#include "server/dav/lock_body.h"
#include "server/dav/lock_rules.h"
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
#include "server/listing_json.h"
#include "server/logging/component_log.h"
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

// A file's GET-visible fields: its size, the ETag GET gives, the type GET says.
void set_file_fields(Resource& resource, std::uint64_t size, std::string_view version) {
  resource.size = size;
  resource.etag.assign(1, '"');
  resource.etag += version;
  resource.etag += '"';
  resource.content_type = kFileType;
}

// `entry` is the stat reply (type, size, mtime, and a file's version).
Resource resource_of(const json& entry, std::string href, std::string name) {
  Resource resource;
  resource.collection = entry.value("type", "") == "dir";
  resource.href = std::move(href);
  resource.display_name = std::move(name);
  resource.created = entry.value("mtime", "");
  resource.last_modified = rfc1123_of(resource.created);
  if (!resource.collection) {
    set_file_fields(resource, entry.value("size", std::uint64_t{0}), entry.value("version", ""));
  }
  return resource;
}

// `member` describes `entry` of the folder at `folder_href`. One Resource serves a whole
// folder: assigning into its strings reuses their capacity, so a page of 1,000 members costs
// no allocation per entry, and the dates are written from the integer mtime.
void fill_member(Resource& member, const std::string& folder_href, const storage::DirEntry& entry) {
  member.collection = entry.is_directory;
  member.href.assign(folder_href);
  append_percent_encoded_path(member.href, entry.name);
  if (entry.is_directory) member.href += '/';
  member.display_name.assign(entry.name);
  member.created.clear();
  append_utc_ns(member.created, entry.mtime_ns);
  member.last_modified.clear();
  std::int64_t seconds = entry.mtime_ns / 1'000'000'000;
  if (entry.mtime_ns % 1'000'000'000 < 0) seconds -= 1;  // floor, as the ISO form rounds
  append_http_date(member.last_modified, seconds);
  if (entry.is_directory) {
    member.size = 0;
    member.etag.clear();
    member.content_type.clear();
  } else {
    set_file_fields(member, entry.size, entry.version);
  }
}

// The <D:activelock> elements of the locks of `held` covering `path` (lockdiscovery's value).
std::string active_locks_of(Exchange& exchange, const std::vector<server::dav::ActiveLock>& held,
                            std::string_view path) {
  auto locks = server::dav::covering_of(held, path);
  if (locks.empty()) return {};
  auto href_of = [](std::string_view root) { return "/files/" + percent_encode_path(root); };
  return server::dav::activelocks_xml(locks, href_of, exchange.services().server.now());
}

using DeadProperties = std::vector<Resource::StoredProperty>;

// Dead properties are read only when the request shows them (needs_dead_properties), in one
// props.get call per listing page: the common PROPFIND of live names pays nothing for them.
// One list per path, in order (empty for a name gone since it was listed).
asio::awaitable<Result<std::vector<DeadProperties>>> dead_properties_of(
    Exchange& exchange, ops::Session& session, const std::vector<std::string>& paths) {
  json ask = {{"paths", paths}};
  auto got = co_await call_op(exchange, session, ops::FilesRole::properties, ask);
  if (!got) co_return std::move(got).error();
  const auto& all = got->fields["properties"];
  std::vector<DeadProperties> lists(paths.size());
  for (std::size_t i = 0; i < lists.size() && i < all.size(); ++i) {
    if (!all[i].is_array()) continue;  // gone since it was listed
    for (const auto& property : all[i]) {
      lists[i].push_back(
          {{property.value("ns", ""), property.value("name", "")}, property.value("value", "")});
    }
  }
  co_return lists;
}

std::string member_path_of(const std::string& folder, const std::string& name) {
  return folder.empty() ? name : folder + "/" + name;
}

// RFC 4331's figures for every resource of `user`'s space: the quota ledger's running total,
// and what the quota leaves (none without a quota). The stat before this opened, and so
// counted, the space.
void set_quota_fields(Resource& resource, const Services& server, std::string_view user) {
  auto usage = server.quota->usage(user);
  resource.quota_used = usage.used;
  resource.quota_available = usage.free();
}

std::string_view base_name(std::string_view path) {
  auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// The folder's own response, then its entries a listing page (one chunk) at a time.
asio::awaitable<void> stream_folder(Exchange& exchange, ops::Session& session,
                                    const std::vector<server::dav::ActiveLock>& held,
                                    const std::string& path, const Resource& self,
                                    const PropfindRequest& request) {
  MultistatusWriter writer(exchange);
  if (!co_await writer.start()) co_return;
  std::string out = server::dav::multistatus_open();
  server::dav::append_response(out, self, request);
  bool locks_asked = server::dav::asks_for(request, "lockdiscovery");
  bool dead_asked = server::dav::needs_dead_properties(request);
  Resource member;
  member.quota_used = self.quota_used;  // the user's figures, the same for every member
  member.quota_available = self.quota_available;
  std::string member_path, after;
  for (bool more = true; more;) {
    json ask = {{"path", path}, {"after", after}};
    auto page = co_await call_op(exchange, session, ops::FilesRole::list, ask);
    if (!page || !page->listing) {
      // The 207 is under way: only a cut body can tell the client it is incomplete.
      log_of(LogComponent::dav)
          .warn("http: PROPFIND listing failed midway: {}",
                page ? "no listing in the reply" : page.error().message);
      exchange.close_after();
      co_return;
    }
    const auto& entries = page->listing->entries;
    std::vector<DeadProperties> dead;
    if (dead_asked && !entries.empty()) {
      std::vector<std::string> paths;
      for (const auto& entry : entries) paths.push_back(member_path_of(path, entry.name));
      auto read = co_await dead_properties_of(exchange, session, paths);
      if (!read) {
        log_of(LogComponent::dav)
            .warn("http: PROPFIND properties failed midway: {}", read.error().message);
        exchange.close_after();
        co_return;
      }
      dead = std::move(*read);
    }
    for (std::size_t i = 0; i < entries.size(); ++i) {
      const auto& entry = entries[i];
      fill_member(member, self.href, entry);
      if (locks_asked) {
        member_path.assign(path);
        if (!path.empty()) member_path += '/';
        member_path += entry.name;
        member.active_locks = active_locks_of(exchange, held, member_path);
      }
      member.dead.clear();
      if (i < dead.size()) member.dead = std::move(dead[i]);
      server::dav::append_response(out, member, request);
    }
    if (!co_await writer.write(out)) co_return;
    out.clear();
    more = page->listing->more && !entries.empty();
    if (more) after = entries.back().name;
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
  // The user's locks, read once for every resource of the answer.
  std::vector<server::dav::ActiveLock> held;
  if (server::dav::asks_for(*request, "lockdiscovery")) {
    held = co_await exchange.services().locks.held_by(caller.username);
  }
  self.active_locks = active_locks_of(exchange, held, path);
  set_quota_fields(self, exchange.services().server, caller.username);
  if (server::dav::needs_dead_properties(*request)) {
    std::vector<std::string> paths{path};
    auto read = co_await dead_properties_of(exchange, session, paths);
    if (!read) co_return co_await exchange.send_error(read.error());
    self.dead = std::move(read->front());
  }
  if (folder && *depth == Depth::one) {
    co_return co_await stream_folder(exchange, session, held, path, self, *request);
  }
  std::string out = server::dav::multistatus_open();
  server::dav::append_response(out, self, *request);
  out += server::dav::multistatus_close();
  co_await send_xml(exchange, bhttp::status::multi_status, std::move(out));
}

}  // namespace netdisk::server::http::dav
