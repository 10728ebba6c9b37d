// The PROXY protocol version 2 header (HAProxy's send-proxy-v2), which a load balancer sends
// first on each connection to say who the client is. Parsing only: no sockets here; the
// listeners read the bytes (proxy_read.h). Specification:
// https://www.haproxy.org/download/2.6/doc/proxy-protocol.txt, section 2.2.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "common/result.h"

namespace netdisk::server::proxy {

// The fixed part: 12 signature bytes, version and command, family, and the length of the rest.
inline constexpr std::size_t kFixedBytes = 16;
// The most we accept for the rest (addresses and TLVs): HAProxy sends far less. A longer one
// is refused rather than buffered.
inline constexpr std::size_t kMaxRestBytes = 1024;

struct ProxyHeader {
  // The client's IP and port as the balancer saw them; nullopt for a LOCAL header (the
  // balancer's own health check) or an address family we do not carry (UNIX, unspecified):
  // the connection's own peer address stands then.
  std::optional<std::string> client_ip;
  std::uint16_t client_port = 0;
};

// From the 16 fixed bytes: how many bytes follow. bad_request for anything that is not a
// version 2 header (wrong signature, version, command) or announces more than kMaxRestBytes.
Result<std::size_t> rest_length(std::span<const std::uint8_t, kFixedBytes> fixed);

// The whole header (fixed part and rest). bad_request when the addresses do not fit the
// announced family.
Result<ProxyHeader> parse(std::span<const std::uint8_t> header);

}  // namespace netdisk::server::proxy
