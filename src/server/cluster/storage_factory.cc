// make_storage_backend (storage_factory.h).
#include "server/cluster/storage_factory.h"

#include <algorithm>
#include <stdexcept>

#include "cluster/pg/pg.h"
#include "cluster/rados/rados_chunk_store.h"
#include "cluster/storage/cluster_backend.h"
#include "cluster/storage/cluster_deleted_users.h"
#include "server/cluster/cluster_options.h"
#include "storage/local_space.h"
#include "storage/retention.h"

namespace netdisk::server {

namespace {

std::unique_ptr<storage::Backend> make_cluster_backend(const ServerConfig& config) {
  auto chunks = cluster::RadosChunkStore::connect(
      cluster::RadosOptions{config.rados_conf.string(), config.rados_user, config.rados_pool});
  if (!chunks) throw std::runtime_error(chunks.error().message);
  // Every storage call runs on the blocking pool, each holding at most one connection at once.
  std::size_t connections = std::max<std::size_t>(2, config.blocking_threads);
  auto pool = std::make_shared<cluster::pg::PgPool>(config.pg_conninfo, connections);
  cluster::ClusterStoreOptions options;
  options.node_name = node_name_of(config);
  auto backend = cluster::ClusterBackend::open(std::move(pool), std::move(*chunks), options);
  if (!backend) throw std::runtime_error(backend.error().message);
  return std::move(*backend);
}

}  // namespace

std::unique_ptr<storage::Backend> make_storage_backend(const ServerConfig& config,
                                                       const storage::DataLayout& layout) {
  if (config.storage_kind == ServerConfig::StorageKind::cluster)
    return make_cluster_backend(config);
  return std::make_unique<storage::LocalBackend>(layout.home_dir());
}

std::unique_ptr<storage::DeletedUsers> make_deleted_users(const ServerConfig& config,
                                                          const storage::DataLayout& layout) {
  if (config.storage_kind != ServerConfig::StorageKind::cluster) {
    return std::make_unique<storage::LocalDeletedUsers>(layout);
  }
  // One connection: an administrator's deletion and the hourly sweep are rare.
  auto pool = std::make_shared<cluster::pg::PgPool>(config.pg_conninfo, 1);
  return std::make_unique<cluster::ClusterDeletedUsers>(
      std::move(pool), [] { return storage::to_ns(std::chrono::system_clock::now()); });
}

}  // namespace netdisk::server
