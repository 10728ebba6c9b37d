// The PROXY protocol v2 parser (server/proxy/proxy_header.h): HAProxy's headers for IPv4,
// IPv6 and its LOCAL health checks are read; anything else is refused before a byte of it is
// trusted (wrong signature, version 1 text, unknown command, an overlong or short header).
#include "server/proxy/proxy_header.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace netdisk::server::proxy {
namespace {

std::vector<std::uint8_t> header(std::uint8_t ver_cmd, std::uint8_t family,
                                 std::vector<std::uint8_t> rest) {
  std::vector<std::uint8_t> out{0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51,
                                0x55, 0x49, 0x54, 0x0A, ver_cmd, family};
  out.push_back(static_cast<std::uint8_t>(rest.size() >> 8));
  out.push_back(static_cast<std::uint8_t>(rest.size() & 0xFF));
  out.insert(out.end(), rest.begin(), rest.end());
  return out;
}

std::size_t rest_of(const std::vector<std::uint8_t>& bytes) {
  auto rest = rest_length(std::span<const std::uint8_t, kFixedBytes>(bytes.data(), kFixedBytes));
  return rest.ok() ? *rest : static_cast<std::size_t>(-1);
}

TEST(ProxyHeader, AnIpv4ProxyHeaderNamesTheClient) {
  // 203.0.113.7:51234 -> 10.0.0.1:7070, then a TLV HAProxy may add (ignored).
  auto bytes = header(0x21, 0x11, {203, 0, 113, 7, 10, 0, 0, 1, 0xC8, 0x22, 0x1B, 0x9E,
                                   0x03, 0x00, 0x04, 1, 2, 3, 4});
  EXPECT_EQ(rest_of(bytes), 19u);
  auto parsed = parse(bytes);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->client_ip, "203.0.113.7");
  EXPECT_EQ(parsed->client_port, 51234);
}

TEST(ProxyHeader, AnIpv6ProxyHeaderNamesTheClient) {
  std::vector<std::uint8_t> rest(36, 0);
  rest[0] = 0x20;
  rest[1] = 0x01;
  rest[2] = 0x0d;
  rest[3] = 0xb8;
  rest[15] = 0x05;  // 2001:db8::5
  rest[32] = 0x01;
  rest[33] = 0xBB;  // port 443
  auto parsed = parse(header(0x21, 0x21, rest));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->client_ip, "2001:db8::5");
  EXPECT_EQ(parsed->client_port, 443);
}

TEST(ProxyHeader, ALocalHeaderKeepsTheConnectionsOwnAddress) {
  auto parsed = parse(header(0x20, 0x00, {}));
  ASSERT_TRUE(parsed.ok());
  EXPECT_FALSE(parsed->client_ip.has_value());
}

TEST(ProxyHeader, AnythingElseIsRefused) {
  auto wrong_signature = header(0x21, 0x11, std::vector<std::uint8_t>(12, 0));
  wrong_signature[0] = 'P';  // a version 1 text header ("PROXY TCP4 ...") or plain traffic
  EXPECT_FALSE(parse(wrong_signature).ok());
  EXPECT_FALSE(parse(header(0x11, 0x11, std::vector<std::uint8_t>(12, 0))).ok());  // version 1
  EXPECT_FALSE(parse(header(0x22, 0x11, std::vector<std::uint8_t>(12, 0))).ok());  // command 2
  EXPECT_FALSE(parse(header(0x21, 0x11, std::vector<std::uint8_t>(11, 0))).ok());  // short IPv4
  EXPECT_FALSE(parse(header(0x21, 0x21, std::vector<std::uint8_t>(12, 0))).ok());  // short IPv6
  auto overlong = header(0x21, 0x11, std::vector<std::uint8_t>(kMaxRestBytes + 1, 0));
  EXPECT_EQ(rest_of(overlong), static_cast<std::size_t>(-1));
  auto lying = header(0x21, 0x11, std::vector<std::uint8_t>(12, 0));
  lying.pop_back();  // announces 12 bytes, carries 11
  EXPECT_FALSE(parse(lying).ok());
  auto error = parse(wrong_signature).error();
  EXPECT_EQ(error.code, Errc::bad_request);
  EXPECT_NE(error.message.find("PROXY"), std::string::npos);
}

}  // namespace
}  // namespace netdisk::server::proxy
