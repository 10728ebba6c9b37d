// GET /metrics (Prometheus text format 0.0.4, server/telemetry/scrape.h) and GET /healthz
// ("ok" with 200 while serving, "stopping" with 503 once a graceful shutdown has begun) on the
// HTTP and HTTPS listeners. Neither is authenticated and neither carries user data
// (docs/SECURITY.md). The bodies are also served by the metrics listener of
// --metrics HOST:PORT (metrics_listener.h). On the connection's I/O thread.
#pragma once

#include <string>

#include <boost/asio/awaitable.hpp>

#include "server/http/beast_fwd.h"

namespace netdisk::server {
struct Services;
}

namespace netdisk::server::http {

class Exchange;

// /healthz's answer, whatever listener asked.
bhttp::status health_status(const Services& server);
std::string_view health_word(const Services& server);

boost::asio::awaitable<void> serve_metrics(Exchange& exchange);
boost::asio::awaitable<void> serve_healthz(Exchange& exchange);

}  // namespace netdisk::server::http
