#include "server/services.h"

#include <stdexcept>

#include "server/cluster/chat_backends.h"
#include "server/cluster/cluster_locks.h"
#include "server/cluster/cluster_services.h"
#include "server/cluster/quota_ledger_factory.h"
#include "server/cluster/share_backends.h"
#include "server/cluster/storage_factory.h"
#include "server/quota/quota_space.h"
#include "server/retention_options.h"
#include "storage/local_space.h"

namespace netdisk::server {
namespace {

storage::DataLayout prepare_layout(const ServerConfig& config) {
  auto layout = storage::DataLayout::prepare(config.data_dir, config.users_file);
  if (!layout) throw std::runtime_error(layout.error().message);
  return std::move(*layout);
}

AccountOptions account_options(const ServerConfig& config) {
  AccountOptions options;
  options.hash_cost.ops = config.password_hash_ops;
  options.hash_cost.memory_bytes = config.password_hash_memory_mib << 20;
  options.hash_threads = config.hash_threads;
  options.max_pending_hashes = config.max_pending_hashes;
  options.session_lifetime = config.session_ttl;
  options.credential_cache.ttl = config.credential_cache_ttl;
  options.workbook_check_interval = config.workbook_check_interval;
  return options;
}

// The user's quota now: their workbook row's, else the server's default. find_user() reads
// memory only, and reflects the administrator's changes (commands or hand edits) at once.
std::optional<std::uint64_t> quota_of(const Services& server, std::string_view user) {
  auto record = server.accounts.find_user(user);
  if (record && record->quota_bytes) return record->quota_bytes;
  return server.live.default_quota();
}

std::shared_ptr<quota::QuotaLedger> make_ledger(Services& server) {
  // `backend` is always the QuotaBackend made below, by the time an upload asks. Whether it
  // may drop versions is read at each upload: --quota-drops-versions changes on a reload.
  quota::QuotaLedger::MakeRoom make_room = [&server](std::string_view user,
                                                     std::uint64_t bytes) -> std::uint64_t {
    if (!server.live.quota_drops_versions()) return 0;
    return static_cast<quota::QuotaBackend&>(*server.backend).drop_oldest_versions(user, bytes);
  };
  return make_quota_ledger(
      server.config, [&server](std::string_view user) { return quota_of(server, user); },
      [&server](std::string_view) { return server.live.default_quota(); }, std::move(make_room));
}

ShareService::Options share_options(const ServerConfig& config) {
  ShareService::Options options;
  options.hash_cost.ops = config.password_hash_ops;
  options.hash_cost.memory_bytes = config.password_hash_memory_mib << 20;
  options.credential_ttl = config.credential_cache_ttl;
  return options;
}

}  // namespace

Services::Services(const ServerConfig& cfg) : Services(cfg, nullptr) {}

Services::Services(const ServerConfig& cfg, std::unique_ptr<storage::Backend> backend_given)
    : config(cfg),
      blocking_pool(cfg.blocking_threads),
      layout(prepare_layout(cfg)),
      quota(make_ledger(*this)),
      backend(std::make_unique<quota::QuotaBackend>(
          backend_given ? std::move(backend_given) : make_storage_backend(cfg, layout), quota)),
      deleted_users(make_deleted_users(cfg, layout)),
      accounts(layout, account_options(cfg), blocking_pool,
               account_backends(cfg, layout, account_options(cfg), blocking_pool)),
      registration(make_registration_policy(cfg, layout)),
      shares(make_share_book(cfg, layout), share_options(cfg)) {
  backend->set_retention(retention_of(config, [this] { return wall_clock(); }));
  chat_relay = make_chat_relay(config, chat, blocking_pool);
  chat_history = make_chat_history(config, blocking_pool);
  chat.set_history(chat_history);
  chat_presence = make_chat_presence(config, chat);
  locks = make_lock_store(config, blocking_pool, [this] { return now(); });
}

}  // namespace netdisk::server
