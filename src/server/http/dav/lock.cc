#include "server/http/dav/lock.h"

#include "server/dav/lock_body.h"
#include "server/dav/multistatus.h"
#include "server/dav/timeout_header.h"
#include "server/http/api_adapter.h"
#include "server/http/auth.h"
#include "server/http/dav/dav_headers.h"
#include "server/http/dav/dav_op.h"
#include "server/http/dav/write_gate.h"
#include "server/http/exchange.h"
#include "server/http/http_services.h"
#include "server/http/responses.h"
#include "server/http/url.h"
#include "server/ops/op_table.h"
#include "server/services.h"
#include "storage/target_check.h"

namespace netdisk::server::http::dav {
namespace {

namespace asio = boost::asio;
using server::dav::ActiveLock;
using server::dav::LockFailure;

constexpr std::size_t kMaxLockBody = 64 * 1024;

std::string href_of(std::string_view root) { return "/files/" + percent_encode_path(root); }

// 200 or 201 with the Lock-Token header and the lock's discovery.
asio::awaitable<void> send_lock(Exchange& exchange, bhttp::status status, const ActiveLock& lock,
                                bool with_token) {
  StringResponse response{status, 11};
  response.set(bhttp::field::content_type, "application/xml; charset=utf-8");
  if (with_token) response.set("Lock-Token", "<" + lock.token + ">");
  response.body() =
      server::dav::lock_response_body(lock, &href_of, exchange.services().server.now());
  co_await exchange.send(std::move(response));
}

asio::awaitable<void> send_failure(Exchange& exchange, LockFailure failure) {
  switch (failure) {
    case LockFailure::conflict:
      co_return co_await send_xml(exchange, bhttp::status::locked,
                                  server::dav::error_body("no-conflicting-lock"));
    case LockFailure::unavailable:
      co_return co_await send_refusal(
          exchange, bhttp::status::service_unavailable,
          make_error(Errc::server_busy, "the WebDAV locks cannot be reached now"));
    case LockFailure::too_many:
      co_return co_await send_refusal(exchange, bhttp::status::service_unavailable,
                                      make_error(Errc::server_busy, "too many WebDAV locks"));
    case LockFailure::owner_too_large:
      co_return co_await send_refusal(exchange, bhttp::status::bad_request,
                                      make_error(Errc::bad_request, "the lock owner is too long"));
    default:  // no_such_lock: a refresh whose If header names no lock on this URL
      co_return co_await send_refusal(
          exchange, bhttp::status::precondition_failed,
          make_error(Errc::precondition_failed, "no lock of the If header covers this URL"));
  }
}

// A LOCK with an empty body: restarts the timeout of the lock the If header names.
asio::awaitable<void> refresh(Exchange& exchange, const Caller& caller, const std::string& path,
                              std::chrono::seconds timeout) {
  if (exchange.request().find("If") == exchange.request().end()) {
    co_return co_await send_refusal(
        exchange, bhttp::status::bad_request,
        make_error(Errc::bad_request, "a LOCK without a body refreshes: it needs an If header"));
  }
  auto tokens = co_await check_if_header(exchange, caller, path);
  if (!tokens) co_return;
  for (const auto& token : *tokens) {
    auto renewed =
        co_await exchange.services().locks.refresh(caller.username, path, token, timeout);
    if (renewed) co_return co_await send_lock(exchange, bhttp::status::ok, *renewed, false);
    if (renewed.error() == LockFailure::unavailable) {
      co_return co_await send_failure(exchange, renewed.error());
    }
  }
  co_await send_failure(exchange, LockFailure::no_such_lock);
}

// Creates an empty file at `path` through the upload op, only if nothing is there yet.
// `token` is the lock just taken there, which the op's lock check must see submitted.
asio::awaitable<Status> create_empty(Exchange& exchange, const Caller& caller,
                                     const std::string& path, const std::string& token) {
  auto& server = exchange.services().server;
  auto session = http_session(exchange, ops::Transport::http);
  session.assume_user(caller.username);
  auto tokens = session.lock_tokens();  // the If header's, and the new lock's
  tokens.push_back(token);
  session.submit_lock_tokens(std::move(tokens));
  nlohmann::json announce = {{"path", path}, {"size", std::uint64_t{0}}};
  ops::OpCall call{server, session, announce};
  call.target_check = storage::require_absent();
  const auto& upload_op = ops::files_op(ops::FilesRole::write);
  auto begun = co_await ops::dispatch(&upload_op, upload_op.name, call);
  if (!begun) co_return std::move(begun).error();
  nlohmann::json data = {{"stream", std::uint64_t{0}}};
  ops::OpCall data_call{server, session, data};
  const auto& data_op = ops::files_op(ops::FilesRole::write_data);
  auto streaming = co_await ops::dispatch(&data_op, data_op.name, data_call);
  if (!streaming) co_return std::move(streaming).error();
  auto published = co_await streaming->stream_in->finish(data_call, Status{});
  if (!published) co_return std::move(published).error();
  co_return Status{};
}

// Whether anything is at `path`: nullopt after a refusal was sent.
asio::awaitable<std::optional<bool>> exists(Exchange& exchange, const Caller& caller,
                                            const std::string& path) {
  auto session = http_session(exchange, ops::Transport::http);
  session.assume_user(caller.username);
  nlohmann::json ask = {{"path", path}};  // named: GCC 12 cannot take a braced list across co_await
  auto stat = co_await call_op(exchange, session, ops::FilesRole::stat, ask);
  if (stat) co_return true;
  if (stat.error().code == Errc::not_found) co_return false;
  co_await exchange.send_error(stat.error());
  co_return std::nullopt;
}

}  // namespace

asio::awaitable<void> serve_lock(Exchange& exchange, const Caller& caller,
                                 const std::string& path) {
  const auto& headers = exchange.request();
  auto depth = parse_depth(exchange.header("Depth"), headers.find("Depth") != headers.end(),
                           Depth::infinity);
  auto timeout = server::dav::parse_timeout(exchange.header("Timeout"));
  auto body = co_await exchange.read_body(kMaxLockBody);
  if (!body) co_return co_await exchange.send_error(body.error());
  if (!depth || *depth == Depth::one) {
    co_return co_await send_refusal(
        exchange, bhttp::status::bad_request,
        make_error(Errc::bad_request, "LOCK takes Depth 0 or infinity"));
  }
  if (body->empty()) co_return co_await refresh(exchange, caller, path, timeout);
  auto request = server::dav::parse_lock_body(*body);
  if (!request) co_return co_await exchange.send_error(request.error());
  if (!co_await check_if_header(exchange, caller, path)) co_return;
  auto there = co_await exists(exchange, caller, path);
  if (!there) co_return;
  request->depth =
      *depth == Depth::zero ? server::dav::LockDepth::zero : server::dav::LockDepth::infinity;
  request->timeout = timeout;
  auto& locks = exchange.services().locks;
  auto lock = co_await locks.lock(caller.username, path, *request);
  if (!lock) co_return co_await send_failure(exchange, lock.error());
  if (*there) co_return co_await send_lock(exchange, bhttp::status::ok, *lock, true);
  // An unmapped URL: RFC 4918 §7.3 makes it an empty resource, here an empty file.
  auto created = co_await create_empty(exchange, caller, path, lock->token);
  bool raced = !created.ok() && (created.error().code == Errc::already_exists ||
                                 created.error().code == Errc::precondition_failed);
  if (!created.ok() && !raced) {
    auto undone = co_await locks.unlock(caller.username, path, lock->token);
    (void)undone;  // a lock left behind lapses at its timeout
    auto status = created.error().code == Errc::not_found ? bhttp::status::conflict
                                                          : status_for(created.error().code);
    co_return co_await send_refusal(exchange, status, created.error());
  }
  co_await send_lock(exchange, created.ok() ? bhttp::status::created : bhttp::status::ok, *lock,
                     true);
}

asio::awaitable<void> serve_unlock(Exchange& exchange, const Caller& caller,
                                   const std::string& path) {
  std::string_view token = exchange.header("Lock-Token");
  if (token.size() < 3 || token.front() != '<' || token.back() != '>') {
    co_return co_await send_refusal(
        exchange, bhttp::status::bad_request,
        make_error(Errc::bad_request, "UNLOCK needs a Lock-Token header: <token>"));
  }
  token = token.substr(1, token.size() - 2);
  const std::string token_text(token);  // named: no temporary inside the co_await
  auto removed = co_await exchange.services().locks.unlock(caller.username, path, token_text);
  if (!removed && removed.error() == LockFailure::unavailable) {
    co_return co_await send_failure(exchange, removed.error());
  }
  if (!removed) {
    co_return co_await send_xml(exchange, bhttp::status::conflict,
                                server::dav::error_body("lock-token-matches-request-uri"));
  }
  co_await exchange.send(StringResponse{bhttp::status::no_content, 11});
}

}  // namespace netdisk::server::http::dav
