#include "server/telemetry/telemetry_options.h"

#include <stdexcept>
#include <string>

namespace netdisk::server {

void add_telemetry_options(CLI::App& app, ServerConfig& config) {
  app.add_option_function<std::string>(
         "--metrics",
         [&config](const std::string& text) {
           if (text == "off") {
             config.metrics_mode = ServerConfig::MetricsMode::off;
           } else if (text == "http") {
             config.metrics_mode = ServerConfig::MetricsMode::http;
           } else {
             try {
               config.metrics_listen = parse_endpoint(text);
             } catch (const std::invalid_argument& bad) {
               throw CLI::ValidationError("--metrics", bad.what());
             }
             config.metrics_mode = ServerConfig::MetricsMode::own;
           }
         },
         "Where Prometheus metrics (/metrics) are served: 'http' on the HTTP and HTTPS "
         "listeners (default), HOST:PORT on a listener of their own (then not on HTTP), or "
         "'off'. Unauthenticated: see docs/SECURITY.md")
      ->type_name("off|http|HOST:PORT");
  app.add_option("--metrics-port-file", config.metrics_port_file,
                 "Write the bound port of --metrics HOST:PORT to this file once listening "
                 "(useful with port 0)");
}

}  // namespace netdisk::server
