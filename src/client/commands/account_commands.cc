#include "client/commands/account_commands.h"

#include <iostream>

#include "client/password_prompt.h"

namespace netdisk::client {

int register_command(const ClientOptions& options, const std::string& username) {
  ClientSession session(options);
  std::string password = read_new_password("New password for " + username + ": ");
  auto reply = session.call("register", {{"username", username}, {"password", password}});
  std::cout << "registered " << reply.value("username", username) << " on "
            << options.server.to_string() << "; log in with `netdisk login " << username
            << "`\n";
  return 0;
}

int login_command(const ClientOptions& options, const std::string& username) {
  ClientSession session(options);
  std::string server = options.server.to_string();
  std::string password = read_password("Password for " + username + "@" + server + ": ");
  auto reply = session.call("login", {{"username", username}, {"password", password}});
  SavedSession saved{reply.value("username", username), reply.value("token", std::string())};
  session.store().save(server, saved);
  std::cout << "logged in as " << saved.username << " on " << server << " until "
            << reply.value("expires", std::string("?")) << "\n";
  return 0;
}

int logout_command(const ClientOptions& options) {
  std::string server = options.server.to_string();
  SessionStore store;
  auto saved = store.load(server);
  if (!saved) {
    std::cout << "not logged in to " << server << "\n";
    return 0;
  }
  try {
    ClientSession session(options);
    session.call("login", {{"token", saved->token}});
    session.call("logout");
  } catch (const ServerError&) {
    // An expired or unknown token is as good as revoked.
  }
  store.forget(server);
  std::cout << "logged out " << saved->username << " from " << server << "\n";
  return 0;
}

int whoami_command(const ClientOptions& options) {
  ClientSession session(options);
  session.authenticate();
  auto reply = session.call("whoami");
  std::cout << reply.value("username", std::string("?")) << "@" << options.server.to_string()
            << "\n";
  return 0;
}

int ping_command(const ClientOptions& options) {
  ClientSession session(options);
  auto reply = session.call("ping");
  std::cout << options.server.to_string() << " answered, server time "
            << reply.value("time", std::string("?")) << "\n";
  return 0;
}

}  // namespace netdisk::client
