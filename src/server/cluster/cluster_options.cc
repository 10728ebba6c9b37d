#include "server/cluster/cluster_options.h"

#include <unistd.h>

#include <array>
#include <map>
#include <stdexcept>
#include <string>

namespace netdisk::server {

void add_cluster_options(CLI::App& app, ServerConfig& config) {
  const std::map<std::string, ServerConfig::StorageKind> kinds{
      {"local", ServerConfig::StorageKind::local}, {"cluster", ServerConfig::StorageKind::cluster}};
  app.add_option("--storage", config.storage_kind,
                 "Where users, files and logins live: 'local' (the data folder: users.xlsx "
                 "and home/, the default) or 'cluster' (PostgreSQL, Ceph RADOS and Redis, "
                 "shared by several nodes; docs/SCALING.md)")
      ->transform(CLI::CheckedTransformer(kinds, CLI::ignore_case))
      ->type_name("local|cluster");
  app.add_option("--pg", config.pg_conninfo,
                 "Cluster mode: the PostgreSQL connection string (libpq), e.g. "
                 "'host=/run/postgresql dbname=netdisk user=netdisk'");
  app.add_option("--rados-conf", config.rados_conf,
                 "Cluster mode: the ceph.conf of the Ceph cluster holding file chunks (it "
                 "names the monitors and the keyring)");
  app.add_option("--rados-pool", config.rados_pool,
                 "Cluster mode: the RADOS pool of file chunks (created if missing)");
  app.add_option("--rados-user", config.rados_user,
                 "Cluster mode: the Ceph client id, without 'client.'");
  app.add_option("--redis", config.redis,
                 "Cluster mode: the Redis server for logins and chat: unix:/path/to/socket "
                 "or HOST:PORT");
  app.add_option("--node-name", config.node_name,
                 "This node's name in logs and chat (default: hostname:port)");
  app.add_flag("--proxy-protocol", config.proxy_protocol,
               "Every connection to the TCP and HTTP listeners starts with a PROXY protocol "
               "v2 header from the load balancer (HAProxy's send-proxy-v2), which gives the "
               "client's address; a connection without one is refused");
}

namespace {

void require(bool present, const char* option) {
  if (!present) {
    throw std::invalid_argument(std::string("--storage cluster needs ") + option);
  }
}

bool valid_redis_address(const std::string& text) {
  if (text.rfind("unix:", 0) == 0) return text.size() > 5;
  try {
    const Endpoint endpoint = parse_endpoint(text);
    return endpoint.port != 0;
  } catch (const std::invalid_argument&) {
    return false;
  }
}

}  // namespace

void validate_cluster_options(const ServerConfig& config) {
  if (!config.redis.empty() && !valid_redis_address(config.redis)) {
    throw std::invalid_argument("--redis must be unix:/path/to/socket or HOST:PORT, not '" +
                                config.redis + "'");
  }
  if (config.storage_kind != ServerConfig::StorageKind::cluster) return;
  require(!config.pg_conninfo.empty(), "--pg");
  require(!config.rados_conf.empty(), "--rados-conf");
  require(!config.redis.empty(), "--redis");
  if (config.rados_pool.empty()) throw std::invalid_argument("--rados-pool must not be empty");
}

std::string node_name_of(const ServerConfig& config) {
  if (!config.node_name.empty()) return config.node_name;
  std::array<char, 256> host{};
  if (::gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
  return std::string(host.data()) + ":" + std::to_string(config.listen.port);
}

}  // namespace netdisk::server
