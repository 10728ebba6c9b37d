// ServerLink: what commands talk to the server through. It owns a WireConnection (frames on a
// socket), has said hello on it and, when asked, logs in, either with --user and a password or
// with the login `netdisk login` saved (saved_logins.h). It speaks TLS unless --plaintext, and
// trusts the server's key as server_trust.h decides. Calls return the reply's fields; a
// server error becomes a ServerError exception carrying the wire code. One thread at a time.
#pragma once

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "client/command_hint.h"
#include "client/saved_logins.h"
#include "client/server_address.h"
#include "client/server_trust.h"
#include "client/wire_connection.h"

namespace netdisk::client {

// A failed request: what the server said, as one line for the user.
class ServerError : public std::runtime_error {
 public:
  ServerError(std::string code, const std::string& message)
      : std::runtime_error(message), code_(std::move(code)) {}
  const std::string& code() const noexcept { return code_; }

 private:
  std::string code_;
};

struct ClientOptions {
  ServerAddress server;
  std::optional<std::string> user;           // --user: log in for this command alone
  CommandMode mode = CommandMode::one_shot;  // how hints name commands (command_hint.h)
  bool plaintext = false;                    // --plaintext: no TLS
  // Decides on the server's TLS key for every connection of this process (required with TLS).
  std::shared_ptr<ServerTrust> trust;
};

// What --plaintext says on stderr, once per run.
inline constexpr const char* kPlaintextNotice =
    "netdisk: --plaintext: not encrypted; passwords, tokens and files cross the network in the "
    "clear\n";

// How ServerLink connects with `options`: plain text, or TLS checked by options.trust.
ConnectOptions connect_options(const ClientOptions& options);

class ServerLink {
 public:
  // Connects and says hello. Throws std::runtime_error when the server cannot be reached.
  explicit ServerLink(const ClientOptions& options);

  // Logs in with --user (asking for the password) or the saved login. Throws ServerError
  // (not_logged_in when there is neither) with advice on what to do.
  void authenticate();

  // Logs in with a token another connection got (parallel transfers). Throws ServerError.
  void authenticate_with_token(const std::string& token);

  // Records a login done by hand (the login command), so authenticate() has nothing to do.
  void set_logged_in(std::string username, std::string token);

  // Sends a request and returns the reply's fields; throws ServerError on an error reply.
  nlohmann::json call(std::string_view op, nlohmann::json fields = {});

  WireConnection& connection() noexcept { return connection_; }
  const ClientOptions& options() const noexcept { return options_; }
  const std::optional<std::string>& username() const noexcept { return username_; }
  // The token of this login ("" before authenticate()).
  const std::string& token() const noexcept { return token_; }
  SavedLogins& saved_logins() noexcept { return saved_logins_; }

 private:
  ClientOptions options_;
  WireConnection connection_;
  SavedLogins saved_logins_;
  std::optional<std::string> username_;
  std::string token_;
};

}  // namespace netdisk::client
