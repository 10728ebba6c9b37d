#include "client/commands/complete_command.h"

#include <iostream>
#include <memory>
#include <ostream>

#include "client/known_servers.h"
#include "client/remote_listing.h"
#include "client/remote_path.h"
#include "client/saved_logins.h"
#include "client/server_link.h"
#include "client/server_trust.h"
#include "client/shell/completion.h"

namespace netdisk::client {
namespace {

// The folder part of what was typed, as the server names it ("" for the top folder).
std::string typed_folder(const std::string& typed) {
  auto slash = typed.rfind('/');
  return slash == std::string::npos ? "" : normalize_remote(typed.substr(0, slash));
}

// The entries of `folder` on the server of `given`, through the saved login; throws on any
// failure (the caller prints nothing then).
std::vector<RemoteEntry> list_with_saved_login(const ClientOptions& given,
                                               const std::string& folder) {
  auto saved = SavedLogins().load(given.server.to_string());
  if (!saved) return {};
  // A key the client does not know yet is refused, never trusted on first use or asked about:
  // completion runs in the middle of a command line the person is still typing.
  static std::ostream no_notices(nullptr);
  ClientOptions options = given;
  options.user.reset();
  options.trust = std::make_shared<ServerTrust>(KnownServers(), true, ServerTrust::Ask{},
                                                no_notices);
  ServerLink link(options);
  // The token itself, not authenticate(): an expired login is left for a real command to
  // report and forget.
  link.authenticate_with_token(saved->token);
  return list_remote(link, folder);
}

}  // namespace

void add_complete_remote(CLI::App& app, CommandAction& chosen) {
  auto typed = std::make_shared<std::string>();
  auto* command = app.add_subcommand(kCompleteRemoteCommand, "Print remote name completions");
  command->group("");  // hidden
  command->add_option("TYPED", *typed, "The remote path typed so far");
  command->callback([&chosen, typed] {
    chosen = [typed](Connector& connector) { return complete_remote_command(connector, *typed); };
  });
}

int complete_remote_command(Connector& connector, const std::string& typed) {
  try {
    auto entries = list_with_saved_login(connector.options(), typed_folder(typed));
    for (const auto& name : matching_remote_names(entries, typed)) std::cout << name << "\n";
  } catch (const std::exception&) {
    // Nothing to offer: no connection, no such folder, an untrusted or changed server key.
  }
  return 0;
}

}  // namespace netdisk::client
