#include "client/commands/account_commands.h"

#include <iostream>

#include "client/busy_retry.h"
#include "client/password_prompt.h"

namespace netdisk::client {

int register_command(Connector& connector, const std::string& username) {
  auto& link = connector.link();
  std::string password = read_new_password("New password for " + username + ": ");
  // server_busy means nothing was registered (the hashing queue was full): safe to repeat.
  auto reply = retry_while_busy([&] {
    return link.call("register", {{"username", username}, {"password", password}});
  });
  std::cout << "registered " << reply.value("username", username) << " on "
            << connector.options().server.to_string() << "; log in with `"
            << command_hint(connector.options().mode, "login " + username) << "`\n";
  return 0;
}

int login_command(Connector& connector, const std::string& username) {
  auto& link = connector.link();
  std::string server = connector.options().server.to_string();
  std::string password = read_password("Password for " + username + "@" + server + ": ");
  auto reply = retry_while_busy([&] {
    return link.call("login", {{"username", username}, {"password", password}});
  });
  SavedLogin saved{reply.value("username", username), reply.value("token", std::string())};
  link.saved_logins().save(server, saved);
  link.set_logged_in(saved.username, saved.token);
  std::cout << "logged in as " << saved.username << " on " << server << " until "
            << reply.value("expires", std::string("?")) << "\n";
  return 0;
}

int logout_command(Connector& connector) {
  std::string server = connector.options().server.to_string();
  SavedLogins saved_logins;
  auto saved = saved_logins.load(server);
  if (!saved && !(connector.connected() && connector.link().username())) {
    std::cout << "not logged in to " << server << "\n";
    return 0;
  }
  std::string who = saved ? saved->username : *connector.link().username();
  try {
    auto& link = connector.link();
    if (!link.username()) link.call("login", {{"token", saved->token}});
    link.call("logout");
  } catch (const ServerError&) {
    // An expired or unknown token is as good as revoked.
  }
  saved_logins.forget(server);
  connector.drop();  // the next command starts from a connection that is not logged in
  std::cout << "logged out " << who << " from " << server << "\n";
  return 0;
}

int whoami_command(Connector& connector) {
  auto reply = connector.authenticated().call("whoami");
  std::cout << reply.value("username", std::string("?")) << "@"
            << connector.options().server.to_string() << "\n";
  return 0;
}

int ping_command(Connector& connector) {
  auto reply = connector.link().call("ping");
  std::cout << connector.options().server.to_string() << " answered, server time "
            << reply.value("time", std::string("?")) << "\n";
  return 0;
}

}  // namespace netdisk::client
