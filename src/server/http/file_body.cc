#include "server/http/file_body.h"

#include <spdlog/spdlog.h>

#include "server/http/exchange.h"
#include "server/http/http_services.h"
#include "server/logging/component_log.h"
#include "server/services.h"
#include "server/transfer/transfer_engine.h"

namespace netdisk::server::http {

// A thin caller of the transfer engine (transfer/transfer_engine.h): sendfile(2) when the
// exchange has a plain socket and --send-mode allows it, otherwise pread on the blocking pool
// and writes through the stream (TLS encrypts there). The body is timed by the engine's clock
// (--http-body-timeout, paced by --min-stream-rate), not by the stream's own expiry.
boost::asio::awaitable<bool> send_file_body(Exchange& exchange, storage::OpenFile& file,
                                            std::uint64_t offset, std::uint64_t length) {
  if (length == 0) co_return true;
  auto& server = exchange.services().server;
  auto* zero_copy =
      server.config.send_mode == SendMode::sendfile ? exchange.plain_socket() : nullptr;
  transfer::ActivityClock pace(server.live.http_body_timeout(), server.live.min_stream_rate(),
                               server.now);
  transfer::FileSource source(file);
  exchange.deadline().disarm();  // the transfer's own StallGuard times the body
  auto sent = co_await transfer::send(exchange.stream(), source, offset, length,
                                      exchange.transfer_env(pace), zero_copy);
  if (!sent.ok())
    log_of(LogComponent::http).debug("http: a download ended early: {}", sent.error().message);
  co_return sent.ok();
}

}  // namespace netdisk::server::http
