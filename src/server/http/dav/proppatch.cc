#include "server/http/dav/proppatch.h"

#include "server/dav/multistatus.h"
#include "server/dav/proppatch_body.h"
#include "server/dav/proppatch_response.h"
#include "server/http/api_adapter.h"
#include "server/http/auth.h"
#include "server/http/dav/dav_op.h"
#include "server/http/dav/write_gate.h"
#include "server/http/exchange.h"
#include "server/http/responses.h"

namespace netdisk::server::http::dav {
namespace {

namespace asio = boost::asio;
using server::dav::PatchOutcome;
using server::dav::PropertyUpdate;

constexpr std::size_t kMaxProppatchBody = 64 * 1024;

bool touches_protected(const std::vector<PropertyUpdate>& updates) {
  for (const auto& update : updates) {
    if (server::dav::is_protected_property(update.name)) return true;
  }
  return false;
}

nlohmann::json changes_of(const std::vector<PropertyUpdate>& updates) {
  nlohmann::json changes = nlohmann::json::array();
  for (const auto& update : updates) {
    nlohmann::json change = {{"ns", update.name.ns}, {"name", update.name.local}};
    if (update.element) change["value"] = *update.element;
    changes.push_back(std::move(change));
  }
  return changes;
}

asio::awaitable<void> send_outcome(Exchange& exchange, const std::string& href,
                                   const std::vector<PropertyUpdate>& updates,
                                   PatchOutcome outcome) {
  co_await send_xml(exchange, bhttp::status::multi_status,
                    server::dav::proppatch_response(href, updates, outcome));
}

}  // namespace

asio::awaitable<void> serve_proppatch(Exchange& exchange, const Caller& caller,
                                      const std::string& path, bool folder_url) {
  std::vector<WriteTarget> targets{{path, false}};  // named: GCC 12 and braced lists
  if (!co_await pass_write_gate(exchange, caller, path, std::move(targets))) co_return;
  auto body = co_await exchange.read_body(kMaxProppatchBody);
  if (!body) co_return co_await exchange.send_error(body.error());
  auto updates = server::dav::parse_propertyupdate(*body);
  if (!updates) co_return co_await exchange.send_error(updates.error());

  auto session = http_session(exchange, ops::Transport::http);
  session.assume_user(caller.username);
  auto stat = co_await stat_url(exchange, session, path, folder_url);
  if (!stat) co_return;
  const std::string& href = stat->href;
  if (touches_protected(*updates)) {
    co_return co_await send_outcome(exchange, href, *updates, PatchOutcome::protected_refused);
  }
  nlohmann::json patch = {{"path", path}, {"changes", changes_of(*updates)}};
  auto patched = co_await call_op(exchange, session, ops::FilesRole::patch_properties, patch);
  if (patched) {
    co_return co_await send_outcome(exchange, href, *updates, PatchOutcome::applied);
  }
  if (patched.error().code == Errc::disk_full) {
    co_return co_await send_outcome(exchange, href, *updates, PatchOutcome::insufficient_storage);
  }
  co_await exchange.send_error(patched.error());
}

}  // namespace netdisk::server::http::dav
