#include "client/connector.h"

namespace netdisk::client {

ClientSession& Connector::session() {
  if (!session_) session_ = std::make_unique<ClientSession>(options_);
  return *session_;
}

ClientSession& Connector::authenticated() {
  auto& current = session();
  current.authenticate();
  std::lock_guard lock(token_mutex_);
  token_ = current.token();
  return current;
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
