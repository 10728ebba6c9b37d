// `netdisk discover`: finds NetDisk servers by UDP probe (docs/PROTOCOL.md, section 11) and
// lists each one that answers with its name, address and version. Main thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace netdisk::client {

struct DiscoverOptions {
  std::vector<std::string> hosts;  // empty: the LAN broadcast address and 127.0.0.1
  std::uint16_t port = 0;          // the servers' TCP (and discovery) port
  double timeout_seconds = 1.0;
};

// Exit status 0 when at least one server answered, 1 when none did.
int discover_command(const DiscoverOptions& options);

}  // namespace netdisk::client
