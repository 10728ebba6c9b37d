#include "server/http/dav/write_gate.h"

#include <algorithm>
#include <map>

#include "server/dav/if_header.h"
#include "server/dav/multistatus.h"
#include "server/http/api_adapter.h"
#include "server/http/auth.h"
#include "server/http/dav/dav_headers.h"
#include "server/http/dav/dav_op.h"
#include "server/http/exchange.h"
#include "server/http/http_services.h"
#include "server/http/responses.h"
#include "server/http/url.h"

namespace netdisk::server::http::dav {
namespace {

namespace asio = boost::asio;
using server::dav::IfHeader;

// What the If header's evaluation needs of one resource, looked up before it runs (the
// evaluation itself is synchronous, so the caller's locks are read before it too). No path:
// the tag names nothing in the caller's space.
struct Known {
  std::optional<std::string> path;
  std::optional<std::string> etag;
};

class GateState : public server::dav::IfState {
 public:
  GateState(std::vector<server::dav::ActiveLock> held,
            std::map<std::optional<std::string>, Known> known)
      : held_(std::move(held)), known_(std::move(known)) {}

  std::optional<std::string> etag(const std::optional<std::string>& tag) override {
    auto it = known_.find(tag);
    return it == known_.end() ? std::nullopt : it->second.etag;
  }
  bool lock_matches(const std::optional<std::string>& tag, std::string_view token) override {
    auto it = known_.find(tag);
    if (it == known_.end() || !it->second.path) return false;
    const auto& path = *it->second.path;
    return std::any_of(held_.begin(), held_.end(), [&](const server::dav::ActiveLock& lock) {
      return lock.token == token && lock.covers(path);
    });
  }

 private:
  std::vector<server::dav::ActiveLock> held_;
  std::map<std::optional<std::string>, Known> known_;
};

bool has_body(Exchange& exchange) {
  auto& parser = exchange.parser();
  return !exchange.body_read() && (parser.chunked() || parser.content_length().value_or(0) > 0);
}

// The ETag GET gives for `path` ("" for a folder), nullopt when nothing is there.
asio::awaitable<std::optional<std::string>> etag_of(Exchange& exchange, ops::Session& session,
                                                    const std::string& path) {
  nlohmann::json ask = {{"path", path}};  // named: GCC 12 cannot take a braced list across co_await
  auto stat = co_await call_op(exchange, session, ops::FilesRole::stat, ask);
  if (!stat) co_return std::nullopt;
  if (stat->fields.value("type", "") == "dir") co_return std::string();
  co_return "\"" + stat->fields.value("version", "") + "\"";
}

// Maps every resource the header names to its path, and its ETag when a condition asks.
asio::awaitable<std::map<std::optional<std::string>, Known>> look_up(Exchange& exchange,
                                                                     const Caller& caller,
                                                                     const std::string& path,
                                                                     const IfHeader& header) {
  std::map<std::optional<std::string>, Known> known;
  auto session = http_session(exchange, ops::Transport::http);
  session.assume_user(caller.username);
  for (const auto& resource : header.resources) {
    Known entry;
    if (!resource.tag) {
      entry.path = path;
    } else {
      auto tagged = parse_files_url(*resource.tag, exchange.header(bhttp::field::host));
      if (tagged.refusal == bhttp::status::ok) entry.path = std::move(tagged.path);
    }
    bool wants_etag = false;
    for (const auto& list : resource.lists) {
      for (const auto& condition : list) wants_etag = wants_etag || condition.is_etag;
    }
    if (wants_etag && entry.path) entry.etag = co_await etag_of(exchange, session, *entry.path);
    known.emplace(resource.tag, std::move(entry));
  }
  co_return known;
}

asio::awaitable<void> refuse(Exchange& exchange, bhttp::status status, std::string body) {
  if (has_body(exchange)) exchange.close_after();  // the body is not read
  co_await send_xml(exchange, status, std::move(body));
}

asio::awaitable<void> refuse_busy(Exchange& exchange) {
  if (has_body(exchange)) exchange.close_after();
  co_await send_refusal(exchange, bhttp::status::service_unavailable,
                        make_error(Errc::server_busy, "the WebDAV locks cannot be checked now"));
}

std::string token_submitted_body(std::string_view root) {
  return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<D:error xmlns:D=\"DAV:\">"
         "<D:lock-token-submitted><D:href>" +
         server::dav::xml_escape("/files/" + percent_encode_path(root)) +
         "</D:href></D:lock-token-submitted></D:error>\n";
}

}  // namespace

std::optional<std::string> if_header_of(Exchange& exchange) {
  std::vector<std::string_view> lines;
  for (auto [it, end] = exchange.request().equal_range("If"); it != end; ++it) {
    lines.emplace_back(it->value().data(), it->value().size());
  }
  if (lines.empty()) return std::nullopt;
  return server::dav::combine_if_lines(lines);
}

std::vector<std::string> submitted_lock_tokens(Exchange& exchange) {
  auto value = if_header_of(exchange);
  if (!value) return {};
  auto header = server::dav::parse_if_header(*value);
  return header ? header->state_tokens() : std::vector<std::string>{};
}

asio::awaitable<std::optional<std::vector<std::string>>> check_if_header(Exchange& exchange,
                                                                         const Caller& caller,
                                                                         const std::string& path) {
  auto value = if_header_of(exchange);
  if (!value) co_return std::vector<std::string>{};
  auto header = server::dav::parse_if_header(*value);
  if (!header) {
    if (has_body(exchange)) exchange.close_after();
    co_await send_refusal(exchange, bhttp::status::bad_request, header.error());
    co_return std::nullopt;
  }
  auto known = co_await look_up(exchange, caller, path, *header);
  std::vector<server::dav::ActiveLock> held;  // read only when a state token needs them
  if (!header->state_tokens().empty()) {
    held = co_await exchange.services().locks.held_by(caller.username);
  }
  GateState state(std::move(held), std::move(known));
  if (!server::dav::evaluate_if(*header, state)) {
    if (has_body(exchange)) exchange.close_after();
    co_await send_refusal(
        exchange, bhttp::status::precondition_failed,
        make_error(Errc::precondition_failed, "the If header's conditions do not hold"));
    co_return std::nullopt;
  }
  co_return header->state_tokens();
}

asio::awaitable<bool> pass_write_gate(Exchange& exchange, const Caller& caller,
                                      const std::string& path, std::vector<WriteTarget> targets) {
  auto tokens = co_await check_if_header(exchange, caller, path);
  if (!tokens) co_return false;
  auto& locks = exchange.services().locks;
  for (const auto& target : targets) {
    auto root = co_await locks.blocker(caller.username, target.path, *tokens, target.subtree);
    if (!root) {  // the lock store did not answer: the write is refused, not let through
      co_await refuse_busy(exchange);
      co_return false;
    }
    if (!*root) continue;
    co_await refuse(exchange, bhttp::status::locked, token_submitted_body(**root));
    co_return false;
  }
  co_return true;
}

}  // namespace netdisk::server::http::dav
