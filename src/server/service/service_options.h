// The options of running netdiskd as a service (issue #21): --check-config and --log-file,
// and the check of --log-level's `LEVEL[,COMPONENT=LEVEL]...` syntax. Declared through
// add_server_options(); parsed at start-up and again by the SIGHUP reload.
#pragma once

#include <CLI/CLI.hpp>

#include "server/server_config.h"

namespace netdisk::server {

// --check-config, --log-file.
void add_service_options(CLI::App& app, ServerConfig& config);

// Accepts what parse_log_levels() accepts; its error names the unknown level or component.
CLI::Validator log_levels_validator();

}  // namespace netdisk::server
