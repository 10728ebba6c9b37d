// LocalSpace: the production UserSpace (user_space.h): a user's folder on a local file system,
// home/<username>. It is FileStore and Upload behind the interface, with every guarantee they
// give: openat2 confinement (no symlink, nothing outside the folder), temp + fsync + rename,
// flock'ed partial uploads, checksums stored in an xattr, NameLock + TargetCheck at the step
// that changes a name. Errc-based errors from below become StorageErrors here. Thread-safe as
// the interface says; every call blocks on the disk but open_read_cached().
#pragma once

#include <filesystem>
#include <functional>
#include <memory>

#include "storage/file_store.h"
#include "storage/user_space.h"

namespace netdisk::storage {

class LocalBackend final : public Backend {
 public:
  // `home` holds one folder per user (DataLayout's home/).
  explicit LocalBackend(std::filesystem::path home) : home_(std::move(home)) {}

  StorageResult<std::shared_ptr<UserSpace>> open_space(std::string_view username) override;
  StorageResult<std::size_t> sweep_partial_uploads(std::chrono::seconds max_age,
                                                   const SweepFreed& freed = {}) override;
  void set_retention(Retention retention) override {
    retention_ = std::make_shared<const Retention>(std::move(retention));
  }
  StorageResult<std::vector<UserFreed>> purge_expired(std::chrono::seconds trash_max_age) override;

 private:
  std::filesystem::path home_;
  std::shared_ptr<const Retention> retention_ = std::make_shared<const Retention>();
};

// Its trash and versions calls are in local_space_retention.cc. Held by a shared_ptr (an
// upload's sink keeps the space alive to keep and prune versions at its commit).
class LocalSpace final : public UserSpace, public std::enable_shared_from_this<LocalSpace> {
 public:
  explicit LocalSpace(FileStore store, std::shared_ptr<const Retention> retention =
                                           std::make_shared<const Retention>())
      : store_(std::move(store)), retention_(std::move(retention)) {}

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
  std::optional<StorageResult<std::unique_ptr<OpenFile>>> open_read_cached(
      std::string_view path) const override;
  StorageResult<Checksum> checksum(std::string_view path) override;
  StorageResult<DeadProperties> properties(std::string_view path) const override;
  StorageStatus patch_properties(std::string_view path,
                                 std::span<const PropertyChange> changes) override;
  StorageResult<std::unique_ptr<UploadSink>> begin_upload(
      std::string_view path, std::uint64_t size,
      std::optional<std::string> content_checksum) override;
  StorageResult<std::unique_ptr<UploadSink>> begin_unsized_upload(std::string_view path,
                                                                  std::uint64_t limit) override;
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

 private:
  // The sink for `upload` to `path`: it keeps the replaced file as a version, then prunes.
  std::unique_ptr<UploadSink> versioned_sink(Upload upload, std::string_view path);
  std::int64_t now_ns() const { return to_ns(retention_->clock()); }

  FileStore store_;
  std::shared_ptr<const Retention> retention_;
};

// A file opened with O_RDONLY: native_fd() is that descriptor, for sendfile(2).
class LocalOpenFile final : public OpenFile {
 public:
  explicit LocalOpenFile(DownloadFile file) : file_(std::move(file)) {}

  std::uint64_t size() const override { return file_.size; }
  std::int64_t mtime_ns() const override { return file_.mtime_ns; }
  const std::string& version() const override { return file_.version; }
  StorageResult<std::size_t> read_at(std::uint64_t offset, std::span<std::byte> into) override;
  StorageResult<std::string> prefix_checksum(std::uint64_t length) override;
  std::optional<std::string> stored_checksum() override;
  int native_fd() const override { return file_.fd.get(); }

 private:
  DownloadFile file_;
};

// An Upload (upload.h) behind the UploadSink interface.
class LocalUploadSink final : public UploadSink {
 public:
  explicit LocalUploadSink(Upload upload, std::function<Freed()> after_commit = {})
      : upload_(std::move(upload)), after_commit_(std::move(after_commit)) {}

  std::uint64_t size() const override { return upload_.size(); }
  std::uint64_t offset() const override { return upload_.offset(); }
  bool resumable() const override { return upload_.resumable(); }
  bool size_known() const override { return upload_.size_known(); }
  StorageStatus write(std::span<const std::byte> bytes) override;
  StorageResult<Published> commit(const TargetCheck& check) override;
  void discard() noexcept override { upload_.discard(); }

 private:
  Upload upload_;
  std::function<Freed()> after_commit_;  // after a commit that published: prunes versions
};

}  // namespace netdisk::storage
