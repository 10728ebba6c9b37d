#include "server/ops/session.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "server/chat/chat_member.h"
#include "server/services.h"

namespace netdisk::server::ops {

Session::Session(Services& server, Transport transport, std::string address, std::uint64_t serial,
                 std::vector<std::string> lock_tokens)
    : server_(server), transport_(transport), address_(std::move(address)), serial_(serial) {
  if (!lock_tokens.empty()) submit_lock_tokens(std::move(lock_tokens));
}

std::string Session::label() const {
  std::string_view kind = transport_ == Transport::tcp     ? "conn"
                          : transport_ == Transport::admin ? "admin"
                                                           : "http";
  return fmt::format("{}#{}", kind, serial_);
}

void Session::submit_lock_tokens(std::vector<std::string> tokens) {
  lock_tokens_ = std::make_unique<std::vector<std::string>>(std::move(tokens));
}

const std::vector<std::string>& Session::lock_tokens() const noexcept {
  static const std::vector<std::string> none;
  return lock_tokens_ ? *lock_tokens_ : none;
}

Session::~Session() { leave_chat(); }

void Session::log_in(std::string user, std::string token, std::optional<TimePoint> expires) {
  if (user_ && *user_ != user) log_out();
  // The token was just checked: only logins ended from now on can end it.
  revocations_seen_ = server_.accounts.revocations();
  ended_by_disable_ = false;
  spdlog::info("{} logged in as {}", label(), user);
  user_ = std::move(user);
  token_.assign(token);
  token_expires_ = expires;
}

void Session::log_out() {
  leave_chat();
  if (user_) spdlog::info("{} logged out ({})", label(), *user_);
  user_.reset();
  token_.clear();
  token_expires_.reset();
  space_.reset();
  upload_.reset();
}

std::vector<std::string> Session::join_chat() {
  auto member = chat_member_.lock();
  if (!member) return server_.chat.who();  // no transport to deliver events: nothing to join
  in_chat_ = true;
  return server_.chat.join(member);
}

void Session::leave_chat() {
  if (!in_chat_) return;
  in_chat_ = false;
  // While the room holds the member, it is alive; once expired, it is no longer in the room.
  if (auto member = chat_member_.lock()) server_.chat.leave(*member);
}

}  // namespace netdisk::server::ops
