// Services: what every connection and operation shares: the configuration, the blocking
// pool, the data layout, the storage backend, the accounts, the chat room, the WebDAV locks
// and the clock.
// Owned by Server, which outlives every connection; members are thread-safe or immutable.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>

#include <boost/asio/thread_pool.hpp>

#include "server/accounts/account_service.h"
#include "server/accounts/registration_policy.h"
#include "server/chat/chat_history_store.h"
#include "server/chat/chat_presence.h"
#include "server/chat/chat_room.h"
#include "server/clock.h"
#include "server/cluster/chat_relay.h"
#include "server/dav/lock_store.h"
#include "server/quota/quota_ledger.h"
#include "server/server_config.h"
#include "server/service/live_settings.h"
#include "server/shares/share_service.h"
#include "server/telemetry/metrics.h"
#include "storage/data_layout.h"
#include "storage/deleted_users.h"
#include "storage/user_space.h"

namespace netdisk::server {

class TlsContext;

struct Services {
  // Prepares the data folder and loads the users. Throws std::runtime_error with a message for
  // the administrator (for example, a damaged users.xlsx).
  explicit Services(const ServerConfig& cfg);
  // The same with another storage backend (tests: storage::MemoryBackend with injected faults).
  Services(const ServerConfig& cfg, std::unique_ptr<storage::Backend> backend);

  const ServerConfig config;
  boost::asio::thread_pool blocking_pool;
  const storage::DataLayout layout;
  // Each user's stored bytes and the check of their quota (server/quota/quota_ledger.h):
  // `backend` below is wrapped in a quota::QuotaBackend that keeps it.
  std::shared_ptr<quota::QuotaLedger> quota;
  // Where users' files live (storage/user_space.h): a folder per user under layout's home/
  // (storage::LocalBackend) unless a test hands in another one.
  std::unique_ptr<storage::Backend> backend;
  // Where deleted users' files wait out --deleted-retention (storage/deleted_users.h).
  std::unique_ptr<storage::DeletedUsers> deleted_users;
  AccountService accounts;
  // Who may register (open, closed, by invitation): <data>/registration.json (PostgreSQL in
  // cluster mode), set by the administrator through `netdiskd admin` (server/admin/).
  std::unique_ptr<RegistrationPolicy> registration;
  ChatRoom chat;
  // Cluster mode: `chat` linked to the other nodes' rooms through Redis (null otherwise).
  std::unique_ptr<ChatRelay> chat_relay;
  // The public messages chat.history serves (set as `chat`'s) and who is in the chat for
  // chat.join and chat.who: in memory and the room itself on one server, PostgreSQL and Redis
  // across the nodes in cluster mode (server/cluster/chat_backends.h).
  std::shared_ptr<ChatHistoryStore> chat_history;
  std::unique_ptr<ChatPresence> chat_presence;
  std::atomic<std::size_t> open_connections{0};
  std::atomic<bool> shutting_down{false};
  // The steady clock of every deadline and pace (server/deadlines.h). Set once, before the
  // first connection: tests put a hand-driven one here (tests/server/manual_clock.h).
  Now now = &steady_now;
  // The wall clock that dates deleted users' folders and their sweep (server/clock.h).
  WallNow wall_clock = &wall_now;
  // The WebDAV write locks (taken and refreshed over HTTP only), read at `now`. They live here
  // rather than with HTTP because every operation that changes a name consults them, whatever
  // the transport (ops/lock_check.h). In memory (a restart drops them), or in cluster mode
  // PostgreSQL's, shared by every node (server/cluster/cluster_locks.h).
  std::unique_ptr<dav::LockStore> locks;
  // TLS for the NetDisk TCP port (server/tls/tls_context.h), owned by Server; null with
  // --plaintext, and in `netdiskd admin`'s in-process services.
  const TlsContext* tls = nullptr;
  // The share links (server/shares/share_service.h): <data>/shares.txt (PostgreSQL in
  // cluster mode).
  ShareService shares;
  // The settings a SIGHUP reload changes (server/service/live_settings.h): read these, not
  // `config`, for the options docs/ADMIN.md lists as changeable live.
  LiveSettings live{config};
  // Telemetry (issue #21): the counters, gauges and histograms /metrics shows
  // (server/telemetry/metrics.h); recording nothing with --metrics off.
  telemetry::Metrics metrics{config.metrics_mode != ServerConfig::MetricsMode::off};
};

}  // namespace netdisk::server
