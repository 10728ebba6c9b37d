// LocalSpace: the production UserSpace (user_space.h): a user's folder on a local file system,
// home/<username>. It is FileStore and Upload behind the interface, with every guarantee they
// give: openat2 confinement (no symlink, nothing outside the folder), temp + fsync + rename,
// flock'ed partial uploads, checksums stored in an xattr, NameLock + TargetCheck at the step
// that changes a name. Errc-based errors from below become StorageErrors here. Thread-safe as
// the interface says; every call blocks on the disk but open_read_cached().
#pragma once

#include <filesystem>
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

 private:
  std::filesystem::path home_;
};

class LocalSpace final : public UserSpace {
 public:
  explicit LocalSpace(FileStore store) : store_(std::move(store)) {}

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

 private:
  FileStore store_;
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
  explicit LocalUploadSink(Upload upload) : upload_(std::move(upload)) {}

  std::uint64_t size() const override { return upload_.size(); }
  std::uint64_t offset() const override { return upload_.offset(); }
  bool resumable() const override { return upload_.resumable(); }
  bool size_known() const override { return upload_.size_known(); }
  StorageStatus write(std::span<const std::byte> bytes) override;
  StorageResult<Published> commit(const TargetCheck& check) override;
  void discard() noexcept override { upload_.discard(); }

 private:
  Upload upload_;
};

}  // namespace netdisk::storage
