#include "server/ops/share_ops.h"

#include <fmt/format.h>

#include "common/time_format.h"
#include "protocol/fields.h"
#include "server/blocking.h"
#include "server/ops/session.h"
#include "server/ops/storage_access.h"
#include "server/services.h"

namespace netdisk::server::ops {
namespace {

using json = nlohmann::json;
using WallTime = ShareService::WallTime;

// Ten years: longer than any link needs, and far from overflowing a time point.
constexpr std::uint64_t kMaxExpiresIn = 10ull * 366 * 24 * 3600;
constexpr std::size_t kMaxSharePassword = 1024;

std::string_view kind_of(const ShareRecord& link) {
  if (link.upload_only) return "dropbox";
  return link.folder ? "folder" : "file";
}

json link_json(const ShareRecord& link, WallTime now) {
  json out = {{"link_id", link.id()},
              {"path", link.path},
              {"kind", kind_of(link)},
              {"created", format_utc(link.created)},
              {"downloads", link.downloads},
              {"password", !link.password_hash.empty()},
              {"state", ShareService::state(link, now)}};
  out["expires"] = link.expires ? json(format_utc(*link.expires)) : json(nullptr);
  out["max_downloads"] = link.max_downloads == 0 ? json(nullptr) : json(link.max_downloads);
  return out;
}

// The request's fields as a NewShare (path, kind and owner are filled in later).
Result<ShareService::NewShare> read_request(const json& body, WallTime now) {
  ShareService::NewShare request;
  auto expires_in = protocol::optional_uint_field(body, "expires_in", kMaxExpiresIn);
  if (!expires_in) return std::move(expires_in).error();
  auto max_downloads = protocol::optional_uint_field(body, "max_downloads");
  if (!max_downloads) return std::move(max_downloads).error();
  auto upload_only = protocol::optional_bool_field(body, "upload_only", false);
  if (!upload_only) return std::move(upload_only).error();
  auto password = protocol::optional_string_field(body, "password");
  if (!password) return std::move(password).error();
  if (*expires_in) {
    if (**expires_in == 0) return make_error(Errc::bad_request, "expires_in must be over 0");
    request.expires = now + std::chrono::seconds(**expires_in);
  }
  if (*max_downloads && **max_downloads == 0) {
    return make_error(Errc::bad_request, "max_downloads must be over 0");
  }
  request.max_downloads = max_downloads->value_or(0);
  request.upload_only = *upload_only;
  if (password->value_or("").size() > kMaxSharePassword) {
    return make_error(Errc::invalid_password, "a link password is at most 1024 bytes");
  }
  request.password = std::string(password->value_or(""));
  return request;
}

}  // namespace

boost::asio::awaitable<OpResult> share_create(OpCall& call) {
  auto path = protocol::string_field(call.body, "path");
  if (!path) co_return std::move(path).error();
  auto now = call.server.wall_clock();
  auto request = read_request(call.body, now);
  if (!request) co_return std::move(request).error();
  request->owner = *call.session.user();
  request->path = std::string(*path);
  auto& shares = call.server.shares;
  // The target must exist now; its kind decides what the link serves.
  auto created = co_await with_space(
      call, [&request, &shares, now](storage::UserSpace& space) -> Result<ShareService::Created> {
        auto entry = space.stat(request->path);
        if (!entry) return wire_error(entry.error());
        request->folder = entry->is_directory;
        return shares.create(std::move(*request), now);
      });
  if (!created) co_return std::move(created).error();
  json reply = link_json(created->record, now);
  std::string link_path = "/s/" + created->token;
  reply["token"] = created->token;
  reply["link"] = link_path;
  auto origin = shares.public_origin();
  reply["url"] = origin.empty() ? json(nullptr) : json(origin + link_path);
  co_return reply_with(std::move(reply));
}

boost::asio::awaitable<OpResult> share_list(OpCall& call) {
  auto now = call.server.wall_clock();
  std::string owner = *call.session.user();
  auto& shares = call.server.shares;
  // The book may be PostgreSQL (cluster mode): never read on an I/O thread.
  auto owned = co_await run_blocking(call.server.blocking_pool,
                                     [&shares, &owner] { return shares.list(owner); });
  if (!owned) co_return std::move(owned).error();
  json links = json::array();
  for (const auto& link : *owned) links.push_back(link_json(link, now));
  co_return reply_with({{"links", std::move(links)}});
}

boost::asio::awaitable<OpResult> share_revoke(OpCall& call) {
  auto target = protocol::string_field(call.body, "target");
  if (!target) co_return std::move(target).error();
  std::string owner = *call.session.user();
  std::string what(*target);
  auto& shares = call.server.shares;
  auto ended = co_await run_blocking(
      call.server.blocking_pool, [&shares, &owner, &what] { return shares.revoke(owner, what); });
  if (!ended) co_return std::move(ended).error();
  co_return reply_with({{"revoked", *ended}});
}

boost::asio::awaitable<void> end_shares_under(OpCall& call, std::string path) {
  if (!call.session.user()) co_return;
  std::string owner = *call.session.user();
  auto& shares = call.server.shares;
  co_await run_blocking(call.server.blocking_pool,
                        [&shares, &owner, &path] { shares.forget_path(owner, path); });
}

}  // namespace netdisk::server::ops
