#include "server/http/proxy_accept.h"

#include <optional>
#include <string>
#include <utility>

#include "server/http/http_connection.h"
#include "server/http/http_services.h"
#include "server/http/http_stream.h"
#include "server/http/tls.h"
#include "server/logging/component_log.h"
#include "server/proxy/proxy_read.h"
#include "server/services.h"

namespace netdisk::server::http {

namespace asio = boost::asio;

asio::awaitable<void> serve_proxied(asio::ip::tcp::socket socket, TlsContext* tls,
                                    HttpServices& context, Deadlines& deadlines) {
  std::optional<std::string> client;
  {
    Deadline deadline(deadlines, context.server.now, [&socket] {
      boost::system::error_code ignored;  // closed, not cancelled: see serve_connection
      socket.close(ignored);
    });
    deadline.arm_after(context.server.live.http_header_timeout());
    auto header = co_await proxy::read_header(socket);
    if (!header.ok()) {
      log_of(LogComponent::http).warn("closing a connection: {}", header.error().message);
      co_return;
    }
    client = std::move(header->client_ip);  // nullopt for the balancer's own health check
  }
  if (tls != nullptr) {
    co_await serve_tls_connection(std::move(socket), *tls, context, deadlines, std::move(client));
  } else {
    co_await serve_connection(Stream::plain(std::move(socket)), context, deadlines,
                              std::move(client));
  }
}

}  // namespace netdisk::server::http
