// Discovery: answers LAN discovery probes on UDP at the TCP listener's address and port
// (docs/PROTOCOL.md, section 11). A reply is never longer than the probe that asked for it,
// so the server cannot amplify traffic, and replies are rate-limited overall and per source
// address. Runs as one coroutine on a worker; stops when its socket is closed.
#pragma once

#include <cstdint>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/udp.hpp>

namespace netdisk::server {

inline constexpr std::string_view kDiscoveryProbe = "NETDISK-DISCOVER 1\n";
inline constexpr std::size_t kMinProbeBytes = 64;

struct DiscoveryInfo {
  std::string name;
  std::string version;
  std::uint16_t port = 0;
  // The TCP port's TLS key (protocol/key_fingerprint.h), or empty with --plaintext.
  std::string fingerprint;
};

// The reply to a probe of `probe_size` bytes, or empty when the probe is too short to carry it.
std::string discovery_reply(const DiscoveryInfo& info, std::size_t probe_size);

// `info` must outlive the coroutine (the server keeps it for its whole run).
boost::asio::awaitable<void> serve_discovery(boost::asio::ip::udp::socket& socket,
                                             const DiscoveryInfo& info);

}  // namespace netdisk::server
