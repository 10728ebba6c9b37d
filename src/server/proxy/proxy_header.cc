#include "server/proxy/proxy_header.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>

namespace netdisk::server::proxy {

namespace {

constexpr std::array<std::uint8_t, 12> kSignature{0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D,
                                                  0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
constexpr std::uint8_t kVersion2 = 0x20;
constexpr std::uint8_t kLocal = 0x00;
constexpr std::uint8_t kProxy = 0x01;
constexpr std::uint8_t kInet = 0x10;    // family nibble: AF_INET
constexpr std::uint8_t kInet6 = 0x20;   // family nibble: AF_INET6
constexpr std::size_t kInetBytes = 12;  // source and destination address and port
constexpr std::size_t kInet6Bytes = 36;

Error bad(const char* why) {
  return make_error(Errc::bad_request, std::string("PROXY protocol header: ") + why);
}

std::uint16_t be16(const std::uint8_t* at) {
  return static_cast<std::uint16_t>((at[0] << 8) | at[1]);
}

// The source address and port of an INET or INET6 block.
ProxyHeader client_of(int family, const std::uint8_t* block, std::size_t address_bytes) {
  std::array<char, INET6_ADDRSTRLEN> text{};
  ::inet_ntop(family, block, text.data(), text.size());
  return ProxyHeader{std::string(text.data()), be16(block + 2 * address_bytes)};
}

}  // namespace

Result<std::size_t> rest_length(std::span<const std::uint8_t, kFixedBytes> fixed) {
  if (!std::equal(kSignature.begin(), kSignature.end(), fixed.begin())) {
    return bad("missing (the listener expects one from the load balancer: --proxy-protocol)");
  }
  const std::uint8_t version = fixed[12] & 0xF0;
  const std::uint8_t command = fixed[12] & 0x0F;
  if (version != kVersion2) return bad("not version 2");
  if (command != kLocal && command != kProxy) return bad("unknown command");
  const std::size_t rest = be16(fixed.data() + 14);
  if (rest > kMaxRestBytes) return bad("too long");
  return rest;
}

Result<ProxyHeader> parse(std::span<const std::uint8_t> header) {
  if (header.size() < kFixedBytes) return bad("truncated");
  auto rest = rest_length(header.first<kFixedBytes>());
  if (!rest.ok()) return std::move(rest).error();
  if (header.size() != kFixedBytes + *rest) return bad("length does not match");
  if ((header[12] & 0x0F) == kLocal) return ProxyHeader{};
  const std::uint8_t family = header[13] & 0xF0;
  const std::uint8_t* block = header.data() + kFixedBytes;
  if (family == kInet) {
    if (*rest < kInetBytes) return bad("IPv4 addresses truncated");
    return client_of(AF_INET, block, 4);
  }
  if (family == kInet6) {
    if (*rest < kInet6Bytes) return bad("IPv6 addresses truncated");
    return client_of(AF_INET6, block, 16);
  }
  return ProxyHeader{};  // UNIX or unspecified: nothing we can use as an address
}

}  // namespace netdisk::server::proxy
