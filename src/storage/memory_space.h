// MemoryBackend / MemorySpace: a second implementation of the storage interface
// (user_space.h), in memory, for tests. It keeps the interface's rules (bad names, atomic
// replacement, resumable partials, busy partials, TargetCheck under the space's lock) and
// injects faults a test arms in its FaultPlan (fault_plan.h): ENOSPC and EIO, short writes,
// failed reads and listings, a failed property write, a crash between two steps of a commit.
// No POSIX descriptors: native_fd() is -1. Versions count content changes ("mem-1",
// "mem-2", ...); dead properties live on the node, beside the bytes. Thread-safe: one mutex
// per space; open files hold their version's bytes, so they outlive any change.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "storage/fault_plan.h"
#include "storage/user_space.h"

namespace netdisk::storage {

struct MemoryState;  // memory_tree.h

class MemorySpace final : public UserSpace {
 public:
  explicit MemorySpace(std::shared_ptr<FaultPlan> faults);
  ~MemorySpace() override;

  StorageResult<std::vector<DirEntry>> list(std::string_view dir, std::string_view after,
                                            std::size_t limit) const override;
  StorageResult<DirEntry> stat(std::string_view path) const override;
  StorageResult<TargetState> target_state(std::string_view path) const override;
  StorageStatus make_directory(std::string_view path, bool parents) override;
  StorageStatus remove(std::string_view path, const TargetCheck& check) override;
  StorageStatus remove_tree(std::string_view path) override;
  StorageStatus rename(std::string_view from, std::string_view to, Replace replace) override;
  StorageStatus copy(std::string_view from, std::string_view to, Replace replace) override;
  StorageResult<std::unique_ptr<OpenFile>> open_read(std::string_view path) const override;
  StorageResult<Checksum> checksum(std::string_view path) override;
  StorageResult<std::unique_ptr<UploadSink>> begin_upload(
      std::string_view path, std::uint64_t size,
      std::optional<std::string> content_checksum) override;
  StorageResult<std::unique_ptr<UploadSink>> begin_unsized_upload(std::string_view path,
                                                                  std::uint64_t limit) override;

  StorageResult<DeadProperties> properties(std::string_view path) const override;
  StorageStatus patch_properties(std::string_view path,
                                 std::span<const PropertyChange> changes) override;
  StorageResult<std::uint64_t> stored_bytes(std::string_view path) const override;

  StorageResult<TrashEntry> move_to_trash(std::string_view path, const TargetCheck& check) override;
  StorageResult<std::vector<TrashEntry>> list_trash() const override;
  StorageResult<std::string> restore_from_trash(std::string_view id,
                                                std::optional<std::string> to) override;
  StorageResult<Freed> delete_from_trash(std::optional<std::string> id) override;
  StorageResult<Freed> purge_trash(std::chrono::system_clock::time_point cutoff) override;
  StorageResult<std::vector<VersionEntry>> list_versions(std::string_view path) const override;
  StorageResult<Published> restore_version(std::string_view path, std::string_view id) override;
  StorageResult<Freed> prune_versions(std::size_t keep,
                                      std::chrono::system_clock::time_point cutoff) override;
  StorageResult<Freed> drop_oldest_versions(std::uint64_t bytes) override;
  void set_retention(std::shared_ptr<const Retention> retention);

  // Removes idle partials older than `max_age`; returns how many (their bytes added to
  // `freed_bytes`).
  std::size_t sweep_partial_uploads(std::chrono::seconds max_age, std::uint64_t& freed_bytes);
  // How many partials the space holds (idle or not), for tests.
  std::size_t partial_count() const;

 private:
  // Both begin_upload()s: `size` is a limit when `unsized`.
  StorageResult<std::unique_ptr<UploadSink>> start_upload(std::string_view path, std::uint64_t size,
                                                          bool unsized,
                                                          std::optional<std::string> checksum);
  StorageStatus move_or_copy(std::string_view from, std::string_view to, Replace replace,
                             bool keep_source);
  std::shared_ptr<MemoryState> state_;
};

class MemoryBackend final : public Backend {
 public:
  MemoryBackend() : faults_(std::make_shared<FaultPlan>()) {}

  // The plan every space of this backend consults.
  FaultPlan& faults() { return *faults_; }
  // Creates an empty space for `username` (what registration does for the local backend).
  void create_space(std::string_view username);

  StorageResult<std::shared_ptr<UserSpace>> open_space(std::string_view username) override;
  StorageResult<std::size_t> sweep_partial_uploads(std::chrono::seconds max_age,
                                                   const SweepFreed& freed = {}) override;
  void set_retention(Retention retention) override;
  StorageResult<std::vector<UserFreed>> purge_expired(std::chrono::seconds trash_max_age) override;

 private:
  std::shared_ptr<FaultPlan> faults_;
  std::shared_ptr<const Retention> retention_ = std::make_shared<const Retention>();
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<MemorySpace>, std::less<>> spaces_;
};

}  // namespace netdisk::storage
