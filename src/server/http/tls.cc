#include "server/http/tls.h"

#include <openssl/ssl.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "server/http/http_services.h"
#include "server/http/http_stream.h"
#include "server/http/http_connection.h"
#include "server/logging/component_log.h"
#include "server/services.h"

namespace netdisk::server::http {

class TlsContext {
 public:
  boost::asio::ssl::context ssl{boost::asio::ssl::context::tls_server};
};

void TlsContextDeleter::operator()(TlsContext* tls) const noexcept { delete tls; }

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;
constexpr auto kAsTuple = asio::as_tuple(asio::use_awaitable);

class TlsTransport final : public Transport {
 public:
  explicit TlsTransport(TlsStream stream) : stream_(std::move(stream)) {}

  // As in http_stream.cc: Beast posts completions with blocking.never, which a type-erased
  // handler's own executor cannot take, so they run on the stream's.
  void read_some(asio::mutable_buffer buffer, IoHandler handler) override {
    stream_.async_read_some(buffer, asio::bind_executor(executor(), std::move(handler)));
  }
  void write_some(GatherBuffers buffers, IoHandler handler) override {
    stream_.async_write_some(buffers, asio::bind_executor(executor(), std::move(handler)));
  }
  void teardown(beast::role_type role, TeardownHandler handler) override {
    using beast::websocket::async_teardown;
    async_teardown(role, stream_, asio::bind_executor(executor(), std::move(handler)));
  }
  beast::tcp_stream& tcp() override { return beast::get_lowest_layer(stream_); }
  bool secure() const override { return true; }

 private:
  asio::any_io_executor executor() { return stream_.get_executor(); }
  TlsStream stream_;
};

void require_readable(const std::filesystem::path& file, std::string_view option) {
  std::ifstream in(file);
  if (!in) {
    throw std::runtime_error(
        fmt::format("{} {}: cannot read it: {}", option, file.string(), std::strerror(errno)));
  }
}

}  // namespace

TlsContextPtr load_tls_context(const std::filesystem::path& cert_file,
                               const std::filesystem::path& key_file) {
  require_readable(cert_file, "--tls-cert");
  require_readable(key_file, "--tls-key");
  TlsContextPtr tls(new TlsContext);
  auto* native = tls->ssl.native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  tls->ssl.set_options(asio::ssl::context::default_workarounds |
                       asio::ssl::context::no_compression);
  boost::system::error_code ec;
  tls->ssl.use_certificate_chain_file(cert_file.string(), ec);
  if (ec) {
    throw std::runtime_error(fmt::format("--tls-cert {}: not a usable PEM certificate chain: {}",
                                         cert_file.string(), ec.message()));
  }
  tls->ssl.use_private_key_file(key_file.string(), asio::ssl::context::pem, ec);
  if (ec) {
    throw std::runtime_error(fmt::format("--tls-key {}: not a usable PEM private key: {}",
                                         key_file.string(), ec.message()));
  }
  if (SSL_CTX_check_private_key(native) != 1) {
    throw std::runtime_error(fmt::format("--tls-key {} does not belong to --tls-cert {}",
                                         key_file.string(), cert_file.string()));
  }
  return tls;
}

asio::awaitable<void> serve_tls_connection(asio::ip::tcp::socket socket, TlsContext& tls,
                                           HttpServices& context, Deadlines& deadlines,
                                           std::optional<std::string> client_address) {
  TlsStream stream(std::move(socket), tls.ssl);
  {
    Deadline handshake(deadlines, context.server.now, [&stream] {
      boost::system::error_code ignored;  // closed, not cancelled: see serve_connection
      beast::get_lowest_layer(stream).socket().close(ignored);
    });
    handshake.arm_after(context.server.live.http_header_timeout());
    auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, kAsTuple);
    if (ec) {
      log_of(LogComponent::http).debug("https: TLS handshake failed: {}", ec.message());
      co_return;
    }
  }
  co_await serve_connection(HttpStream(std::make_unique<TlsTransport>(std::move(stream))), context,
                            deadlines, std::move(client_address));
}

}  // namespace netdisk::server::http
