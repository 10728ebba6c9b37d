#include "server/cluster/cluster_services.h"

#include <stdexcept>

#include <fmt/format.h>

#include "cluster/accounts/pg_account_store.h"
#include "server/cluster/cluster_options.h"
#include "server/cluster/redis_throttle.h"
#include "server/cluster/redis_token_book.h"

namespace netdisk::server {
namespace {

bool cluster_mode(const ServerConfig& config) {
  return config.storage_kind == ServerConfig::StorageKind::cluster;
}

// A few connections: account writes are short statements, and a login is
// bounded by the Argon2id pool long before PostgreSQL.
constexpr std::size_t kAccountConnections = 4;

}  // namespace

AccountBackends account_backends(const ServerConfig& config, const storage::DataLayout& layout,
                                 const AccountOptions& options,
                                 boost::asio::thread_pool& blocking_pool) {
  if (!cluster_mode(config)) return local_account_backends(layout, options);
  auto pool = std::make_shared<cluster::pg::PgPool>(config.pg_conninfo, kAccountConnections);
  auto store = cluster::PgAccountStore::open(std::move(pool));
  if (!store) {
    throw std::runtime_error(
        fmt::format("cannot read the accounts from PostgreSQL: {}", store.error().message));
  }
  AccountBackends backends;
  backends.store = std::move(*store);
  backends.tokens = std::make_unique<RedisTokenBook>(config.redis, options.session_lifetime);
  backends.shared = true;
  backends.throttle =
      std::make_unique<RedisThrottleStore>(config.redis, blocking_pool, options.throttle);
  return backends;
}

std::unique_ptr<ChatRelay> make_chat_relay(const ServerConfig& config, ChatRoom& room,
                                           boost::asio::thread_pool& blocking_pool) {
  if (!cluster_mode(config)) return nullptr;
  // The history is kept by Services' chat_history (server/cluster/chat_backends.h), which
  // every broadcast reaches in both modes, not by the relay.
  return std::make_unique<ChatRelay>(room, config.redis, node_name_of(config), blocking_pool);
}

}  // namespace netdisk::server
