#include "client/connector.h"

#include "client/connection_check.h"

namespace netdisk::client {

ClientSession& Connector::session() {
  if (!session_) session_ = std::make_unique<ClientSession>(options_);
  return *session_;
}

ClientSession& Connector::authenticated() {
  auto& current = session();
  try {
    current.authenticate();
  } catch (const ServerError& error) {
    if (lost_user_.empty() || (error.code() != "session_expired" && error.code() != "auth_failed"))
      throw;
    std::string again = command_hint(options_.mode, "login " + lost_user_);
    lost_user_.clear();  // said once; from now on it is plainly "not logged in"
    throw ServerError(
        error.code(),
        "the server restarted and your session ended: log in again with `" + again + "`");
  }
  lost_user_.clear();
  std::lock_guard lock(token_mutex_);
  token_ = current.token();
  return current;
}

void Connector::drop_if_closed() {
  if (!session_ || !closed_by_server_now(session_->connection())) return;
  if (session_->username()) lost_user_ = *session_->username();
  session_.reset();
}

std::unique_ptr<ClientSession> Connector::open_sibling() const {
  std::string token;
  {
    std::lock_guard lock(token_mutex_);
    token = token_;
  }
  auto sibling = std::make_unique<ClientSession>(options_);
  sibling->authenticate_with_token(token);
  return sibling;
}

}  // namespace netdisk::client
