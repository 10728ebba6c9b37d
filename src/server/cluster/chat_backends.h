// Where the chat's history and presence live, picked once at start-up by the storage kind:
// in memory and in the room on one server, PostgreSQL and Redis in cluster mode (issue #22).
// Called by Services' constructor (main thread); cluster mode blocks on the network then, and
// throws std::runtime_error with a message for the administrator when PostgreSQL refuses.
#pragma once

#include <memory>

#include <boost/asio/thread_pool.hpp>

#include "server/chat/chat_history_store.h"
#include "server/chat/chat_presence.h"
#include "server/chat/chat_room.h"
#include "server/server_config.h"

namespace netdisk::server {

// MemoryChatHistory, or PgChatHistoryStore (netdisk.chat_history) in cluster mode.
std::shared_ptr<ChatHistoryStore> make_chat_history(const ServerConfig& config,
                                                    boost::asio::thread_pool& blocking_pool);

// LocalChatPresence, or ChatPresenceRelay (Redis) in cluster mode, already set as `room`'s
// presence hook.
std::unique_ptr<ChatPresence> make_chat_presence(const ServerConfig& config, ChatRoom& room);

}  // namespace netdisk::server
