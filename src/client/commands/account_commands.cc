#include "client/commands/account_commands.h"

#include <cstdlib>
#include <iostream>

#include "client/busy_retry.h"
#include "client/password_prompt.h"
#include "client/terminal.h"

namespace netdisk::client {

int register_command(Connector& connector, const std::string& username, std::string invite) {
  auto& link = connector.link();
  if (invite.empty()) {
    if (const char* from_env = std::getenv("NETDISK_INVITE")) invite = from_env;
  }
  std::string password = read_new_password("New password for " + username + ": ");
  auto attempt = [&] {
    nlohmann::json fields = {{"username", username}, {"password", password}};
    if (!invite.empty()) fields["invite"] = invite;
    return link.call("register", fields);
  };
  // server_busy means nothing was registered (the hashing queue was full): safe to repeat.
  nlohmann::json reply;
  try {
    reply = retry_while_busy(attempt);
  } catch (const ServerError& error) {
    // Registration by invitation: a person at the terminal is asked for the code once.
    if (error.code() != "invite_required" || !invite.empty()) throw;
    if (!is_interactive()) {
      throw ServerError(error.code(), std::string(error.what()) +
                                          "; pass it with --invite CODE or $NETDISK_INVITE");
    }
    std::cerr << "Invitation code: " << std::flush;
    std::getline(std::cin, invite);
    if (invite.empty()) throw;
    reply = retry_while_busy(attempt);
  }
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

int logout_command(Connector& connector, bool all) {
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
    link.call("logout", all ? nlohmann::json{{"all", true}} : nlohmann::json::object());
  } catch (const ServerError& error) {
    // An expired or unknown token is as good as revoked; but --all that did not reach the
    // server has ended nothing, and must say so.
    if (all) {
      saved_logins.forget(server);
      connector.drop();
      throw;
    }
  }
  saved_logins.forget(server);
  connector.drop();  // the next command starts from a connection that is not logged in
  std::cout << "logged out " << who << " from " << server
            << (all ? ", and ended every other session of " + who : std::string()) << "\n";
  return 0;
}

int passwd_command(Connector& connector) {
  auto& link = connector.authenticated();
  std::string who = link.username().value_or("?") + "@" + connector.options().server.to_string();
  std::string old_password = read_password("Current password for " + who + ": ");
  std::string new_password =
      read_new_password("New password for " + who + ": ", "NETDISK_NEW_PASSWORD");
  // server_busy means the new hash was not made and nothing changed: safe to repeat.
  retry_while_busy([&] {
    return link.call("passwd", {{"old_password", old_password}, {"new_password", new_password}});
  });
  std::cout << "changed the password of " << who << "; your other sessions were ended\n";
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
