#include "client/connector.h"

#include "client/connection_check.h"

namespace netdisk::client {

ServerLink& Connector::link() {
  if (!link_) link_ = std::make_unique<ServerLink>(options_);
  return *link_;
}

ServerLink& Connector::authenticated() {
  auto& current = link();
  try {
    current.authenticate();
  } catch (const ServerError& error) {
    if (lost_user_.empty() || (error.code() != "session_expired" && error.code() != "auth_failed"))
      throw;
    std::string again = command_hint(options_.mode, "login " + lost_user_);
    lost_user_.clear();  // said once; from now on it is plainly "not logged in"
    throw ServerError(error.code(),
                      "the server no longer knows your session: log in again with `" + again + "`");
  }
  lost_user_.clear();
  std::lock_guard lock(token_mutex_);
  token_ = current.token();
  return current;
}

void Connector::drop_if_closed() {
  if (!link_ || !closed_by_server_now(link_->connection())) return;
  if (link_->username()) lost_user_ = *link_->username();
  link_.reset();
}

std::unique_ptr<ServerLink> Connector::open_sibling() const {
  std::string token;
  {
    std::lock_guard lock(token_mutex_);
    token = token_;
  }
  auto sibling = std::make_unique<ServerLink>(options_);
  sibling->authenticate_with_token(token);
  return sibling;
}

}  // namespace netdisk::client
