// The server options of the telemetry (issue #21): where /metrics is served (--metrics) and
// the port file of its own listener (--metrics-port-file). Parsed into ServerConfig by
// add_server_options; start-up only.
#pragma once

#include <CLI/CLI.hpp>

#include "server/server_config.h"

namespace netdisk::server {

// --metrics off|http|HOST:PORT, --metrics-port-file FILE.
void add_telemetry_options(CLI::App& app, ServerConfig& config);

}  // namespace netdisk::server
