#include "server/http/bind_listener.h"

#include <stdexcept>

#include <boost/asio/ip/address.hpp>
#include <fmt/format.h>

namespace netdisk::server {

std::uint16_t bind_listener(boost::asio::ip::tcp::acceptor& acceptor, const Endpoint& where,
                            std::string_view what) {
  namespace asio = boost::asio;
  asio::ip::tcp::endpoint endpoint(asio::ip::make_address(where.host), where.port);
  acceptor.open(endpoint.protocol());
  acceptor.set_option(asio::ip::tcp::acceptor::reuse_address(true));
  boost::system::error_code ec;
  acceptor.bind(endpoint, ec);
  if (ec) {
    throw std::runtime_error(
        fmt::format("cannot serve {} on {}:{}: {}", what, where.host, where.port, ec.message()));
  }
  acceptor.listen(asio::socket_base::max_listen_connections);
  return acceptor.local_endpoint().port();
}

}  // namespace netdisk::server
