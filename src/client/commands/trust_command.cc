#include "client/commands/trust_command.h"

#include <iostream>

#include "client/config_file.h"
#include "client/server_address.h"

namespace netdisk::client {

int trust_command(Connector& connector, const std::string& forget) {
  const KnownServers& known = connector.options().trust->known();
  if (!forget.empty()) {
    // Typed as --server takes it, so "host" alone means host:7070 as it does there.
    std::string server = parse_server_address(forget).to_string();
    if (!known.forget(server)) {
      std::cerr << "netdisk: " << server << " is not in " << known.file().string() << "\n";
      return 1;
    }
    std::cout << "forgot the key of " << server << " (" << known.file().string()
              << "); the next connection shows its key again\n";
    return 0;
  }
  auto entries = parse_known_servers(read_text_file(known.file()));
  if (entries.empty()) std::cerr << "netdisk: no server keys in " << known.file().string() << "\n";
  for (const auto& entry : entries) std::cout << entry.server << "\t" << entry.fingerprint << "\n";
  return 0;
}

}  // namespace netdisk::client
