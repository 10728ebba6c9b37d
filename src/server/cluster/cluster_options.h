// The server options of cluster mode (issue #22, docs/SCALING.md): which storage holds the
// shared state (--storage), where PostgreSQL, Ceph and Redis are, the node's name, and
// whether connections arrive through a PROXY protocol v2 load balancer. Parsed into
// ServerConfig by add_server_options; start-up only.
#pragma once

#include <CLI/CLI.hpp>

#include "server/server_config.h"

namespace netdisk::server {

// --storage local|cluster, --pg, --rados-conf, --rados-pool, --rados-user, --redis,
// --node-name, --proxy-protocol.
void add_cluster_options(CLI::App& app, ServerConfig& config);

// --storage cluster needs --pg, --rados-conf and --redis; --redis must be "unix:/path" or
// "HOST:PORT". Throws std::invalid_argument naming what is missing.
void validate_cluster_options(const ServerConfig& config);

// config.node_name, or "<hostname>:<tcp port>" when it is empty.
std::string node_name_of(const ServerConfig& config);

}  // namespace netdisk::server
