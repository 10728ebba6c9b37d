// The server options of the trash and versions (issue #20): how long the trash keeps what was
// removed, how many versions of a file are kept and for how long. Parsed into ServerConfig;
// Services hands them to the storage backend (storage/retention.h). Start-up only.
#pragma once

#include <CLI/CLI.hpp>

#include "server/server_config.h"
#include "storage/retention.h"

namespace netdisk::server {

// --trash-retention, --versions-kept, --version-max-age.
void add_retention_options(CLI::App& app, ServerConfig& config);

// The backend's Retention from `config`, dated by `clock` (Services::wall_clock).
storage::Retention retention_of(const ServerConfig& config, storage::WallClock clock);

}  // namespace netdisk::server
