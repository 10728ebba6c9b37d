// ClusterBackend (cluster_backend.h): spaces, the sweep of idle upload sessions, retention
// purges, and the garbage collection of orphaned chunks.
#include "cluster/storage/cluster_backend.h"

#include <fmt/format.h>

#include "cluster/storage/cluster_chunk_intents.h"
#include "cluster/storage/cluster_chunks.h"
#include "cluster/storage/cluster_rows.h"
#include "cluster/storage/cluster_schema.h"
#include "cluster/storage/cluster_versions.h"
#include "storage/username.h"

namespace netdisk::cluster {

using storage::StorageErrc;
using storage::StorageError;
using storage::StorageResult;
using storage::StorageStatus;

Result<std::unique_ptr<ClusterBackend>> ClusterBackend::open(std::shared_ptr<pg::PgPool> pool,
                                                             std::shared_ptr<ChunkStore> chunks,
                                                             ClusterStoreOptions options) {
  if (auto made =
          pg::ensure_schema(*pool, std::string(kStoreSchemaName), std::string(store_schema_sql()));
      !made) {
    auto error = made.error().to_error();
    return make_error(error.code, "cluster storage tables: " + error.message);
  }
  auto shared = std::make_shared<ClusterShared>(StoreDb(std::move(pool)), std::move(chunks),
                                                std::move(options));
  return std::unique_ptr<ClusterBackend>(new ClusterBackend(std::move(shared)));
}

// The name as the accounts layer gives it (its canonical spelling), as the local backend names
// the user's folder: the quota ledger and the sweeps' reports use the same key.
StorageResult<std::shared_ptr<storage::UserSpace>> ClusterBackend::open_space(
    std::string_view username) {
  if (auto valid = storage::validate_username(username); !valid) {
    return storage::storage_error(StorageErrc::bad_name, valid.error().message);
  }
  return std::shared_ptr<storage::UserSpace>(
      std::make_shared<ClusterSpace>(shared_, std::string(username)));
}

void ClusterBackend::set_retention(storage::Retention retention) {
  shared_->retention = std::make_shared<const storage::Retention>(std::move(retention));
}

StorageResult<std::size_t> ClusterBackend::sweep_partial_uploads(std::chrono::seconds max_age,
                                                                 const SweepFreed& freed) {
  std::int64_t now = shared_->now_ns();
  std::int64_t idle_since =
      now - std::chrono::duration_cast<std::chrono::nanoseconds>(max_age).count();
  auto users = shared_->db.exec(
      "SELECT DISTINCT username FROM netdisk.uploads WHERE touched_ns <= $1 AND "
      "(holder IS NULL OR lease_until_ns <= $2)",
      {param(idle_since), param(now)});
  if (!users) return std::move(users).error();
  std::size_t removed = 0;
  for (int i = 0; i < users->rows(); ++i) {
    std::string user(users->text(i, 0));
    std::uint64_t bytes = 0;
    auto swept = shared_->db.locked(user, [&](StoreTx& tx) -> StorageStatus {
      auto gone = tx.exec(
          "DELETE FROM netdisk.uploads WHERE username = $1 AND touched_ns <= $2 AND "
          "(holder IS NULL OR lease_until_ns <= $3) RETURNING content_id, recorded",
          {user, param(idle_since), param(now)});
      if (!gone) return std::move(gone).error();
      std::vector<std::int64_t> ids;
      for (int r = 0; r < gone->rows(); ++r) {
        ids.push_back(column_i64(*gone, r, 0));
        bytes += static_cast<std::uint64_t>(column_i64(*gone, r, 1));
        ++removed;
      }
      return orphan_unreferenced(tx, ids, now);
    });
    if (!swept) return std::move(swept).error();
    if (bytes > 0 && freed) freed(user, bytes);
  }
  if (auto collected = collect_chunks(); !collected) return std::move(collected).error();
  return removed;
}

StorageResult<std::vector<storage::Backend::UserFreed>> ClusterBackend::purge_expired(
    std::chrono::seconds trash_max_age) {
  auto retention = shared_->retention;
  std::int64_t now = shared_->now_ns();
  std::int64_t trash_cutoff = storage::to_ns(retention->clock() - trash_max_age);
  auto users = shared_->db.exec(
      "SELECT username FROM netdisk.trash UNION SELECT username FROM netdisk.versions");
  if (!users) return std::move(users).error();
  std::vector<UserFreed> purged;
  for (int i = 0; i < users->rows(); ++i) {
    UserFreed user{std::string(users->text(i, 0)), {}};
    auto space = ClusterSpace(shared_, user.username);
    auto trash = space.purge_trash(std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(
            std::chrono::nanoseconds(trash_cutoff))));
    if (!trash) return std::move(trash).error();
    user.freed += *trash;
    auto versions = shared_->db.locked_result<storage::Freed>(user.username, [&](StoreTx& tx) {
      return prune_version_rows(tx, user.username, retention->versions_kept,
                                version_cutoff(*retention), nullptr, now);
    });
    if (!versions) return std::move(versions).error();
    user.freed += *versions;
    if (user.freed.entries > 0) purged.push_back(std::move(user));
  }
  if (auto collected = collect_chunks(); !collected) return std::move(collected).error();
  return purged;
}

StorageResult<std::size_t> ClusterBackend::collect_chunks() {
  std::int64_t cutoff =
      shared_->now_ns() -
      std::chrono::duration_cast<std::chrono::nanoseconds>(shared_->options.chunk_grace).count();
  auto due = shared_->db.exec(
      "SELECT id, username FROM netdisk.contents WHERE orphaned_ns IS NOT NULL AND "
      "orphaned_ns <= $1 ORDER BY orphaned_ns LIMIT 10000",
      {param(cutoff)});
  if (!due) return std::move(due).error();
  std::size_t collected = 0;
  for (int i = 0; i < due->rows(); ++i) {
    if (auto done = collect_one(column_i64(*due, i, 0), std::string(due->text(i, 1))); !done) {
      return std::move(done).error();
    }
    ++collected;
  }
  // Objects a node wrote and never recorded (it died in between) go after the same grace.
  if (auto stale = collect_stale_intents(*shared_, cutoff); !stale) {
    return std::move(stale).error();
  }
  return collected;
}

// Objects first, rows last: a crash in between leaves rows naming objects already gone, which
// the next collection removes again (not_found is fine); never an object no row names.
StorageStatus ClusterBackend::collect_one(std::int64_t content_id, const std::string& ns) {
  auto chunks =
      shared_->db.exec("SELECT oid FROM netdisk.chunks WHERE content_id = $1", {param(content_id)});
  if (!chunks) return std::move(chunks).error();
  for (int i = 0; i < chunks->rows(); ++i) {
    auto removed = shared_->chunks->remove(ns, chunks->text(i, 0));
    if (!removed && removed.error().code != ChunkErrc::not_found) {
      return chunk_failure(removed.error());
    }
  }
  auto gone =
      shared_->db.exec("DELETE FROM netdisk.contents WHERE id = $1 AND orphaned_ns IS NOT NULL",
                       {param(content_id)});
  if (!gone) return std::move(gone).error();
  return {};
}

}  // namespace netdisk::cluster
