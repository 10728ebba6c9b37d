#include "server/cluster/chat_backends.h"

#include <stdexcept>

#include <fmt/format.h>

#include "cluster/chat/chat_history.h"
#include "server/cluster/chat_presence_relay.h"
#include "server/cluster/cluster_options.h"
#include "server/cluster/pg_chat_history_store.h"

namespace netdisk::server {
namespace {

bool cluster_mode(const ServerConfig& config) {
  return config.storage_kind == ServerConfig::StorageKind::cluster;
}

// One for the inserts (one strand) and one for a chat.history read beside it.
constexpr std::size_t kChatConnections = 2;

}  // namespace

std::shared_ptr<ChatHistoryStore> make_chat_history(const ServerConfig& config,
                                                    boost::asio::thread_pool& blocking_pool) {
  if (!cluster_mode(config)) return std::make_shared<MemoryChatHistory>();
  auto pool = std::make_shared<cluster::pg::PgPool>(config.pg_conninfo, kChatConnections);
  auto opened = cluster::ChatHistory::open(std::move(pool));
  if (!opened) {
    throw std::runtime_error(
        fmt::format("cannot prepare the chat history in PostgreSQL: {}", opened.error().message));
  }
  return std::make_shared<PgChatHistoryStore>(std::move(*opened), node_name_of(config),
                                              blocking_pool);
}

std::unique_ptr<ChatPresence> make_chat_presence(const ServerConfig& config, ChatRoom& room) {
  if (!cluster_mode(config)) return std::make_unique<LocalChatPresence>(room);
  return std::make_unique<ChatPresenceRelay>(room, config.redis, node_name_of(config));
}

}  // namespace netdisk::server
