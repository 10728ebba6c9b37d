// QuotaBackend and QuotaSpace: decorators of the storage interface (storage/user_space.h) that
// enforce each user's byte quota in the one place every transport's uploads and copies pass
// through (TCP, HTTP PUT, WebDAV PUT and COPY, chunked bodies, and later drop boxes), and keep
// the user's QuotaLedger total true:
//  - open_space() counts the user's bytes once (QuotaLedger::reconcile_once) before it hands
//    out the space, so no upload of theirs is admitted before the count;
//  - begin_upload() reserves the bytes still to come (the declared size less what a resumed
//    partial already holds) or refuses with quota_exceeded; its sink is a QuotaSink;
//  - copy() reserves the source's bytes first, then charges what the copy actually added;
//  - remove(), remove_tree(), a replacing rename() and the partial-upload sweep release what
//    they freed; so do the calls that delete trash entries or versions for good, and an
//    upload's commit, from what the backend reports it freed (storage/retention.h's Freed:
//    versions pruned, or the replaced file when no version keeps it). Moving into the trash,
//    restoring from it and restoring a version move inodes and change nothing.
// Everything else is passed through. Thread-safe as the decorated space; the measuring calls
// (stored_bytes) block on the disk like every other call.
#pragma once

#include <memory>
#include <string>

#include "server/quota/quota_ledger.h"
#include "storage/user_space.h"

namespace netdisk::server::quota {

class QuotaSpace final : public storage::UserSpace {
 public:
  QuotaSpace(std::shared_ptr<storage::UserSpace> inner, std::shared_ptr<QuotaLedger> ledger,
             std::string user);

  storage::StorageResult<std::vector<storage::DirEntry>> list(std::string_view dir,
                                                              std::string_view after,
                                                              std::size_t limit) const override {
    return inner_->list(dir, after, limit);
  }
  storage::StorageResult<storage::DirEntry> stat(std::string_view path) const override {
    return inner_->stat(path);
  }
  storage::StorageResult<storage::TargetState> target_state(std::string_view path) const override {
    return inner_->target_state(path);
  }
  storage::StorageStatus make_directory(std::string_view path, bool parents) override {
    return inner_->make_directory(path, parents);
  }
  storage::StorageResult<std::unique_ptr<storage::OpenFile>> open_read(
      std::string_view path) const override {
    return inner_->open_read(path);
  }
  std::optional<storage::StorageResult<std::unique_ptr<storage::OpenFile>>> open_read_cached(
      std::string_view path) const override {
    return inner_->open_read_cached(path);
  }
  storage::StorageResult<Checksum> checksum(std::string_view path) override {
    return inner_->checksum(path);
  }
  storage::StorageResult<storage::DeadProperties> properties(std::string_view path) const override {
    return inner_->properties(path);
  }
  storage::StorageStatus patch_properties(
      std::string_view path, std::span<const storage::PropertyChange> changes) override {
    return inner_->patch_properties(path, changes);
  }
  storage::StorageResult<std::uint64_t> stored_bytes(std::string_view path) const override {
    return inner_->stored_bytes(path);
  }
  storage::StorageResult<storage::TrashEntry> move_to_trash(
      std::string_view path, const storage::TargetCheck& check) override {
    return inner_->move_to_trash(path, check);
  }
  storage::StorageResult<std::vector<storage::TrashEntry>> list_trash() const override {
    return inner_->list_trash();
  }
  storage::StorageResult<std::string> restore_from_trash(std::string_view id,
                                                         std::optional<std::string> to) override {
    return inner_->restore_from_trash(id, std::move(to));
  }
  storage::StorageResult<std::vector<storage::VersionEntry>> list_versions(
      std::string_view path) const override {
    return inner_->list_versions(path);
  }

  storage::StorageStatus remove(std::string_view path, const storage::TargetCheck& check) override;
  storage::StorageStatus remove_tree(std::string_view path) override;
  storage::StorageStatus rename(std::string_view from, std::string_view to,
                                Replace replace) override;
  storage::StorageStatus copy(std::string_view from, std::string_view to, Replace replace) override;
  storage::StorageResult<std::unique_ptr<storage::UploadSink>> begin_upload(
      std::string_view path, std::uint64_t size,
      std::optional<std::string> content_checksum) override;
  storage::StorageResult<std::unique_ptr<storage::UploadSink>> begin_unsized_upload(
      std::string_view path, std::uint64_t limit) override;
  storage::StorageResult<storage::Freed> delete_from_trash(std::optional<std::string> id) override;
  storage::StorageResult<storage::Freed> purge_trash(
      std::chrono::system_clock::time_point cutoff) override;
  storage::StorageResult<storage::Published> restore_version(std::string_view path,
                                                             std::string_view id) override;
  storage::StorageResult<storage::Freed> prune_versions(
      std::size_t keep, std::chrono::system_clock::time_point cutoff) override;
  storage::StorageResult<storage::Freed> drop_oldest_versions(std::uint64_t bytes) override;

 private:

  // stored_bytes(path), 0 when nothing is there.
  std::uint64_t bytes_at(std::string_view path) const;
  // The ledger follows a change from `before` to `after` bytes at one place.
  void account(std::uint64_t before, std::uint64_t after);

  std::shared_ptr<storage::UserSpace> inner_;
  std::shared_ptr<QuotaLedger> ledger_;
  std::string user_;
};

class QuotaBackend final : public storage::Backend {
 public:
  QuotaBackend(std::unique_ptr<storage::Backend> inner, std::shared_ptr<QuotaLedger> ledger);

  storage::StorageResult<std::shared_ptr<storage::UserSpace>> open_space(
      std::string_view username) override;
  storage::StorageResult<std::size_t> sweep_partial_uploads(std::chrono::seconds max_age,
                                                            const SweepFreed& freed = {}) override;
  void set_retention(storage::Retention retention) override {
    inner_->set_retention(std::move(retention));
  }
  storage::StorageResult<std::vector<UserFreed>> purge_expired(
      std::chrono::seconds trash_max_age) override;

  // Drops `user`'s oldest versions until `bytes` are freed (the ledger's MakeRoom, asked with
  // --quota-drops-versions): through the undecorated space, since the ledger itself releases
  // what this returns.
  std::uint64_t drop_oldest_versions(std::string_view user, std::uint64_t bytes);

  storage::Backend& inner() { return *inner_; }

 private:
  std::unique_ptr<storage::Backend> inner_;
  std::shared_ptr<QuotaLedger> ledger_;
};

}  // namespace netdisk::server::quota
