// ClusterBackend: the storage interface's second implementation (storage/user_space.h) for
// cluster mode: the namespace in PostgreSQL, the bytes in a ChunkStore (Ceph RADOS in
// production, a folder in tests). Any number of nodes may open the same database and store at
// once; each user's changes are serialised by a database lock, not by the node. Owned by the
// server's Services; every call blocks (database, chunk store): blocking pool only.
#pragma once

#include <memory>

#include "cluster/pg/pg.h"
#include "cluster/storage/chunk_store.h"
#include "cluster/storage/cluster_space.h"
#include "storage/user_space.h"

namespace netdisk::cluster {

class ClusterBackend final : public storage::Backend {
 public:
  // Creates the store's tables if missing (under an advisory lock, once across nodes).
  static Result<std::unique_ptr<ClusterBackend>> open(std::shared_ptr<pg::PgPool> pool,
                                                      std::shared_ptr<ChunkStore> chunks,
                                                      ClusterStoreOptions options);

  // Any valid user has a space (the accounts layer decides who exists): never not_found.
  storage::StorageResult<std::shared_ptr<storage::UserSpace>> open_space(
      std::string_view username) override;
  // Upload sessions idle for `max_age` (no live holder) go, in every space; then the chunks
  // of contents orphaned longer than the grace are collected.
  storage::StorageResult<std::size_t> sweep_partial_uploads(std::chrono::seconds max_age,
                                                            const SweepFreed& freed) override;
  void set_retention(storage::Retention retention) override;
  storage::StorageResult<std::vector<UserFreed>> purge_expired(
      std::chrono::seconds trash_max_age) override;

  // Deletes the chunk objects of every content orphaned more than the grace ago (see
  // ClusterStoreOptions), then its rows. Returns how many contents went.
  storage::StorageResult<std::size_t> collect_chunks();

 private:
  explicit ClusterBackend(std::shared_ptr<ClusterShared> shared) : shared_(std::move(shared)) {}
  storage::StorageStatus collect_one(std::int64_t content_id, const std::string& ns);
  std::shared_ptr<ClusterShared> shared_;
};

}  // namespace netdisk::cluster
