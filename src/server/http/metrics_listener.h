// MetricsListener: the listener of --metrics HOST:PORT, which serves only GET /metrics and
// GET /healthz (one request per connection, then close), so metrics can stay on a loopback or
// private address while the web page is public. It keeps answering through a graceful
// shutdown (/healthz then says 503) and closes with the server. No Beast in this header.
// Owned by Server::run(); start() and stop() on the main I/O worker's thread (or before the
// workers start); its connections run on that worker.
#pragma once

#include <cstdint>
#include <memory>

#include <boost/asio/io_context.hpp>

namespace netdisk::server {
struct Services;
}

namespace netdisk::server::http {

class MetricsListener {
 public:
  MetricsListener(boost::asio::io_context& context, Services& server);
  ~MetricsListener();
  MetricsListener(const MetricsListener&) = delete;
  MetricsListener& operator=(const MetricsListener&) = delete;

  // Binds config.metrics_listen, writes config.metrics_port_file and starts accepting.
  // Throws std::runtime_error when the address cannot be bound.
  void start();
  void stop();
  std::uint16_t port() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace netdisk::server::http
