// TLS for the HTTP side (docs/HTTP.md, "TLS"): the server's certificate and key, loaded once at
// start-up (OpenSSL 3 through asio::ssl), and the handshake that turns an accepted socket into
// an HttpStream for serve_connection. The only HTTP file that includes OpenSSL headers.
// load_tls_context runs at start-up on the main thread; serve_tls_connection on the I/O worker
// that owns the socket.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "server/deadlines.h"

namespace netdisk::server::http {

struct HttpServices;
class TlsContext;
struct TlsContextDeleter {
  void operator()(TlsContext* tls) const noexcept;
};
using TlsContextPtr = std::unique_ptr<TlsContext, TlsContextDeleter>;

// Reads the PEM certificate chain and private key. Throws std::runtime_error naming the option
// and the file when one is missing, unreadable, not PEM, or when the key does not match.
TlsContextPtr load_tls_context(const std::filesystem::path& cert_file,
                               const std::filesystem::path& key_file);

// The TLS handshake (within --http-header-timeout), then serve_connection over TLS.
boost::asio::awaitable<void> serve_tls_connection(boost::asio::ip::tcp::socket socket,
                                                  TlsContext& tls, HttpServices& context,
                                                  Deadlines& deadlines,
                                                  std::optional<std::string> client_address = {});

}  // namespace netdisk::server::http
