#include "client/server_link.h"

#include <iostream>
#include <mutex>

#include "client/busy_retry.h"
#include "client/foreign_answer.h"
#include "client/password_prompt.h"

namespace netdisk::client {

ConnectOptions connect_options(const ClientOptions& options) {
  if (options.plaintext) return {};
  return {true, [trust = options.trust, server = options.server.to_string()](const PeerKey& key) {
            if (!trust) throw std::logic_error("TLS connection without a trust decision");
            trust->check(server, key);
          }};
}

namespace {

WireConnection connect(const ClientOptions& options) {
  if (options.plaintext) {
    static std::once_flag said;  // once per process, however many connections
    std::call_once(said, [] { std::cerr << kPlaintextNotice; });
  }
  try {
    auto open = [&] {
      return WireConnection(options.server.host, options.server.port, connect_options(options));
    };
    {
      WireConnection first = open();
      if (!options.trust || !options.trust->take_question_asked()) return first;
    }
    // The person may have taken longer over the question than the server's handshake
    // timeout: a fresh connection, whose key is trusted now, asks nothing.
    return open();
  } catch (const NotNetDiskAnswer& answer) {
    throw std::runtime_error(foreign_answer_message(answer.first_bytes(), options.server));
  }
}

}  // namespace

ServerLink::ServerLink(const ClientOptions& options)
    : options_(options), connection_(connect(options)) {
  try {
    connection_.hello("netdisk/0.1.0");
  } catch (const NotNetDiskAnswer& answer) {
    throw std::runtime_error(foreign_answer_message(answer.first_bytes(), options_.server));
  }
}

nlohmann::json ServerLink::call(std::string_view op, nlohmann::json fields) {
  auto reply = connection_.call(op, std::move(fields));
  if (!reply.ok) throw ServerError(reply.error_code_name, reply.error->message);
  return std::move(reply.body);
}

void ServerLink::authenticate() {
  if (username_) return;
  std::string server = options_.server.to_string();
  if (options_.user) {
    std::string password = read_password("Password for " + *options_.user + "@" + server + ": ");
    // A crowd of one-shot commands can fill the server's password-hashing queue.
    auto reply = retry_while_busy([&] {
      return call("login", {{"username", *options_.user}, {"password", password}});
    });
    set_logged_in(reply.value("username", *options_.user), reply.value("token", std::string()));
    return;
  }
  auto saved = saved_logins_.load(server);
  if (!saved) {
    bool shell = options_.mode == CommandMode::shell;  // the shell has no --user
    throw ServerError("not_logged_in", "not logged in to " + server + ": run `" +
                                           command_hint(options_.mode, "login NAME") + "`" +
                                           (shell ? "" : " or use --user NAME"));
  }
  try {
    auto reply = call("login", {{"token", saved->token}});
    set_logged_in(reply.value("username", saved->username), reply.value("token", saved->token));
  } catch (const ServerError& error) {
    if (error.code() == "session_expired" || error.code() == "auth_failed") {
      saved_logins_.forget(server);
      throw ServerError(error.code(), "the saved session for " + saved->username + "@" + server +
                                          " is no longer valid: run `" +
                                          command_hint(options_.mode, "login " + saved->username) +
                                          "`");
    }
    throw;
  }
}

}  // namespace netdisk::client

namespace netdisk::client {

void ServerLink::authenticate_with_token(const std::string& token) {
  auto reply = call("login", {{"token", token}});
  set_logged_in(reply.value("username", std::string()), reply.value("token", token));
}

void ServerLink::set_logged_in(std::string username, std::string token) {
  username_ = std::move(username);
  token_ = std::move(token);
}

}  // namespace netdisk::client
