// HttpServer: netdiskd's HTTP side (docs/HTTP.md): the web page, the JSON API, /files with
// Range and Basic authentication, and the chat room over a WebSocket. It listens on its own
// port (and, with --https, on a second one with TLS) and runs its connections on the same I/O workers, blocking pool and services as the TCP
// protocol. No Beast in this header: server.cc includes only this. Owned by Server; start()
// and the stop calls run on the main I/O worker's thread (or before the workers start).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

namespace netdisk::server {

struct Services;
class IoWorkers;

class HttpServer {
 public:
  HttpServer(Services& server, IoWorkers& workers);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds config.http_listen, writes config.http_port_file and starts accepting (on worker 0).
  // Throws std::runtime_error when the address cannot be bound.
  void start();
  // The same for HTTPS: loads --tls-cert/--tls-key, binds config.https_listen, writes
  // config.https_port_file. Throws std::runtime_error with a clear message on any failure.
  void start_tls();
  std::uint16_t port() const;

  // Graceful shutdown: stop accepting; idle connections close now, busy ones after their
  // current response. Any thread.
  void stop();
  // After the grace period: closes every remaining connection. Any thread.
  void close_all();
  std::size_t open_http_connections() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace netdisk::server
