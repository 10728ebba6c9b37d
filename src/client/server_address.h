// ServerAddress: where the client connects, parsed from "HOST:PORT", "[v6]:PORT" or "HOST".
// Plain value; any thread.
#pragma once

#include <cstdint>
#include <string>

namespace netdisk::client {

inline constexpr const char* kDefaultServer = "127.0.0.1:7070";
inline constexpr std::uint16_t kDefaultPort = 7070;

struct ServerAddress {
  std::string host;
  std::uint16_t port = kDefaultPort;

  // "host:port" as typed back to the user and used as the key of saved logins.
  std::string to_string() const;
};

// Throws std::invalid_argument with a message for the user.
ServerAddress parse_server_address(const std::string& text);

}  // namespace netdisk::client
