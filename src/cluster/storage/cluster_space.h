// ClusterSpace: one user's space (storage/user_space.h) in the cluster backend: the namespace
// in PostgreSQL rows (entries, uploads, versions, trash; cluster_schema.cc), the bytes in
// immutable chunk objects of a ChunkStore, in the user's namespace. Stateless apart from the
// shared handles: any node's ClusterSpace for a user sees the same space, and every change
// runs in one transaction under the user's lock (store_db.h). Thread-safe; every call blocks
// on the database or the chunk store: blocking pool only.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "cluster/storage/chunk_store.h"
#include "cluster/storage/store_db.h"
#include "storage/user_space.h"

namespace netdisk::cluster {

// A chunk's size: 4 MiB (RADOS refuses objects over 128 MiB; smaller ones spread a file
// across more placement groups and bound what an upload holds in memory and may resend).
inline constexpr std::size_t kChunkBytes = std::size_t{4} << 20;

struct ClusterStoreOptions {
  std::size_t chunk_bytes = kChunkBytes;
  // How long the chunks of a content nothing refers to any more are kept, for readers that
  // opened it before it was replaced or removed.
  std::chrono::seconds chunk_grace{3600};
  // How long a live upload holds its session without writing: past it another node may take
  // the session over (its holder died; or it stalled, and then its next record fails with
  // busy). Short, because a client whose node died is told busy until it ends; renewed by
  // writes every third of it, and nothing but a second begin_upload of the same session
  // takes a lapsed hold.
  std::chrono::seconds upload_lease{5};
  std::string node_name = "node";
  // Wall clock in ns since the epoch for modification times, leases and the collection.
  std::function<std::int64_t()> clock_ns;
};

// What every space of one backend shares.
struct ClusterShared {
  ClusterShared(StoreDb db_in, std::shared_ptr<ChunkStore> chunks_in, ClusterStoreOptions opts);
  std::int64_t now_ns() const { return options.clock_ns(); }

  StoreDb db;
  std::shared_ptr<ChunkStore> chunks;
  ClusterStoreOptions options;
  std::shared_ptr<const storage::Retention> retention;  // set before the first open_space()
};

class ClusterSpace final : public storage::UserSpace {
 public:
  ClusterSpace(std::shared_ptr<ClusterShared> shared, std::string user)
      : shared_(std::move(shared)), user_(std::move(user)) {}

  storage::StorageResult<std::vector<storage::DirEntry>> list(std::string_view dir,
                                                              std::string_view after,
                                                              std::size_t limit) const override;
  storage::StorageResult<storage::DirEntry> stat(std::string_view path) const override;
  storage::StorageResult<storage::TargetState> target_state(std::string_view path) const override;
  storage::StorageStatus make_directory(std::string_view path, bool parents) override;
  storage::StorageStatus remove(std::string_view path, const storage::TargetCheck& check) override;
  storage::StorageStatus remove_tree(std::string_view path) override;
  storage::StorageStatus rename(std::string_view from, std::string_view to,
                                Replace replace) override;
  storage::StorageStatus copy(std::string_view from, std::string_view to, Replace replace) override;
  storage::StorageResult<std::unique_ptr<storage::OpenFile>> open_read(
      std::string_view path) const override;
  storage::StorageResult<Checksum> checksum(std::string_view path) override;
  storage::StorageResult<storage::DeadProperties> properties(std::string_view path) const override;
  storage::StorageStatus patch_properties(
      std::string_view path, std::span<const storage::PropertyChange> changes) override;
  storage::StorageResult<std::unique_ptr<storage::UploadSink>> begin_upload(
      std::string_view path, std::uint64_t size,
      std::optional<std::string> content_checksum) override;
  storage::StorageResult<std::unique_ptr<storage::UploadSink>> begin_unsized_upload(
      std::string_view path, std::uint64_t limit) override;
  storage::StorageResult<std::uint64_t> stored_bytes(std::string_view path) const override;

  storage::StorageResult<storage::TrashEntry> move_to_trash(
      std::string_view path, const storage::TargetCheck& check) override;
  storage::StorageResult<std::vector<storage::TrashEntry>> list_trash() const override;
  storage::StorageResult<std::string> restore_from_trash(std::string_view id,
                                                         std::optional<std::string> to) override;
  storage::StorageResult<storage::Freed> delete_from_trash(std::optional<std::string> id) override;
  storage::StorageResult<storage::Freed> purge_trash(
      std::chrono::system_clock::time_point cutoff) override;
  storage::StorageResult<std::vector<storage::VersionEntry>> list_versions(
      std::string_view path) const override;
  storage::StorageResult<storage::Published> restore_version(std::string_view path,
                                                             std::string_view id) override;
  storage::StorageResult<storage::Freed> prune_versions(
      std::size_t keep, std::chrono::system_clock::time_point cutoff) override;
  storage::StorageResult<storage::Freed> drop_oldest_versions(std::uint64_t bytes) override;

 private:
  storage::StorageResult<std::unique_ptr<storage::UploadSink>> start_upload(
      std::string_view path, std::uint64_t size, bool unsized, std::optional<std::string> checksum);
  storage::StorageStatus move_or_copy(std::string_view from, std::string_view to, Replace replace,
                                      bool keep_source);

  std::shared_ptr<ClusterShared> shared_;
  std::string user_;  // the canonical user name: rows' first column, the chunk namespace
};

}  // namespace netdisk::cluster
