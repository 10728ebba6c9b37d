// Reads a PROXY protocol v2 header (proxy_header.h) off the start of a connection, exactly
// its bytes and no more, so what follows (a TLS handshake, a frame, an HTTP request) stays
// unread for its own parser. The caller's deadline bounds the wait (it closes or cancels the
// socket). Used by the TCP connection and the HTTP connection when --proxy-protocol is on.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "server/proxy/proxy_header.h"

namespace netdisk::server::proxy {

template <typename Stream>
boost::asio::awaitable<Result<ProxyHeader>> read_header(Stream& stream) {
  namespace asio = boost::asio;
  constexpr auto kAsTuple = asio::as_tuple(asio::use_awaitable);
  std::array<std::uint8_t, kFixedBytes + kMaxRestBytes> bytes{};
  auto [fixed_ec, fixed_n] =
      co_await asio::async_read(stream, asio::buffer(bytes.data(), kFixedBytes), kAsTuple);
  if (fixed_ec) co_return make_error(Errc::io_error, "closed before its PROXY protocol header");
  auto rest = rest_length(std::span<const std::uint8_t, kFixedBytes>(bytes.data(), kFixedBytes));
  if (!rest.ok()) co_return std::move(rest).error();
  if (*rest > 0) {
    auto [rest_ec, rest_n] = co_await asio::async_read(
        stream, asio::buffer(bytes.data() + kFixedBytes, *rest), kAsTuple);
    if (rest_ec) co_return make_error(Errc::io_error, "closed inside its PROXY protocol header");
  }
  co_return parse(std::span<const std::uint8_t>(bytes.data(), kFixedBytes + *rest));
}

}  // namespace netdisk::server::proxy
