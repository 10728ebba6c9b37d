// Connector: how a command gets its connection. A one-shot command makes one and the
// connection opens on first use; the shell keeps one for its whole life, so consecutive
// commands share a connection and a login, and a connection that broke is reopened by the
// next command. Parallel transfers ask it for more connections logged in with the same token.
// Main thread only, except open_sibling(), which any thread may call once the main connection
// is authenticated.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "client/server_link.h"

namespace netdisk::client {

class Connector {
 public:
  explicit Connector(ClientOptions options) : options_(std::move(options)) {}

  const ClientOptions& options() const noexcept { return options_; }

  // The connection, opened (and greeted) on first use. Throws std::runtime_error.
  ServerLink& link();
  // link(), logged in (ServerLink::authenticate()). Throws ServerError; after a lost
  // connection whose login the server no longer knows (it expired or was ended), one that
  // says so.
  ServerLink& authenticated();
  // A new connection logged in with the token of authenticated(). Thread-safe.
  std::unique_ptr<ServerLink> open_sibling() const;

  // Forgets the connection: after login or logout, or when it failed mid-request.
  void drop() noexcept { link_.reset(); }
  bool connected() const noexcept { return link_ != nullptr; }
  // Drops the connection when the server has closed it while it was idle (a restart, its idle
  // timeout), so that the next link() opens a new one and logs in again with the saved
  // login; never waits. The shell calls it before each command.
  void drop_if_closed();

 private:
  ClientOptions options_;
  std::unique_ptr<ServerLink> link_;
  mutable std::mutex token_mutex_;
  std::string token_;      // the login token to share with siblings
  std::string lost_user_;  // who was logged in on a connection the server closed, until re-login
};

}  // namespace netdisk::client
