#include "client/server_address.h"

#include <stdexcept>

namespace netdisk::client {

std::string ServerAddress::to_string() const {
  bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

ServerAddress parse_server_address(const std::string& text) {
  ServerAddress address;
  std::string host = text;
  auto colon = text.rfind(':');
  bool bracketed = !text.empty() && text.front() == '[';
  bool bare_v6 = !bracketed && text.find(':') != colon;  // "::1" without a port
  if (colon != std::string::npos && !bare_v6 && (!bracketed || text[colon - 1] == ']')) {
    host = text.substr(0, colon);
    std::string port_text = text.substr(colon + 1);
    std::size_t used = 0;
    unsigned long port = 0;
    try {
      port = std::stoul(port_text, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (port_text.empty() || used != port_text.size() || port == 0 || port > 65535) {
      throw std::invalid_argument("'" + text + "' has no valid port (1-65535)");
    }
    address.port = static_cast<std::uint16_t>(port);
  }
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty()) throw std::invalid_argument("'" + text + "' has no host");
  address.host = host;
  return address;
}

}  // namespace netdisk::client
