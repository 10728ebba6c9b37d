// What cluster mode (--storage cluster, issue #22) puts behind the accounts and the chat:
// account_backends() gives AccountService PostgreSQL (netdisk.users) and Redis (login tokens)
// instead of users.xlsx and sessions.txt, and make_chat_relay() links the node's ChatRoom to
// the other nodes' through Redis (history and presence: chat_backends.h). Called once each by
// Services' constructor (main thread, start-up); both block on the network then.
#pragma once

#include <memory>

#include <boost/asio/thread_pool.hpp>

#include "server/accounts/account_service.h"
#include "server/cluster/chat_relay.h"
#include "server/server_config.h"
#include "storage/data_layout.h"

namespace netdisk::server {

// users.xlsx and sessions.txt in local mode; PostgreSQL and Redis in cluster mode (with the
// login throttle in Redis, its calls on `blocking_pool`). Throws std::runtime_error with a
// message for the administrator when a store cannot be opened.
AccountBackends account_backends(const ServerConfig& config, const storage::DataLayout& layout,
                                 const AccountOptions& options,
                                 boost::asio::thread_pool& blocking_pool);

// Cluster mode: the relay, already set as `room`'s; local mode: null. Throws as above.
std::unique_ptr<ChatRelay> make_chat_relay(const ServerConfig& config, ChatRoom& room,
                                           boost::asio::thread_pool& blocking_pool);

}  // namespace netdisk::server
