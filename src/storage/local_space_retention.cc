// LocalSpace's trash and versions (user_space.h): FileStore's calls (file_store_trash.cc,
// file_store_versions.cc) dated by the Retention clock, and the upload sink that keeps the
// replaced file as a version at its commit. LocalBackend's purge of every user's space.
#include <sys/stat.h>

#include <filesystem>
#include <system_error>

#include "storage/errc_bridge.h"
#include "storage/local_space.h"
#include "storage/username.h"

namespace netdisk::storage {
namespace {

// The cutoff of an age limit (0: none, the epoch).
std::int64_t cutoff_ns(const Retention& retention, std::chrono::seconds max_age) {
  if (max_age.count() <= 0) return 0;
  return to_ns(retention.clock() - max_age);
}

}  // namespace

std::unique_ptr<UploadSink> LocalSpace::versioned_sink(Upload upload, std::string_view path) {
  auto self = weak_from_this().lock();
  if (!self || retention_->versions_kept == 0) {
    return std::make_unique<LocalUploadSink>(std::move(upload));
  }
  std::string name(path);
  upload.keep_previous_with([self, name](int dirfd, const std::string& entry) {
    return self->store_.keep_version(dirfd, entry, name, self->now_ns());
  });
  auto prune = [self, name] {
    const Retention& policy = *self->retention_;
    auto freed = self->store_.prune_versions(name, policy.versions_kept,
                                             cutoff_ns(policy, policy.version_max_age));
    return freed ? *freed : Freed{};
  };
  return std::make_unique<LocalUploadSink>(std::move(upload), prune);
}

StorageResult<TrashEntry> LocalSpace::move_to_trash(std::string_view path,
                                                    const TargetCheck& check) {
  return converted(store_.move_to_trash(path, check, now_ns()));
}

StorageResult<std::vector<TrashEntry>> LocalSpace::list_trash() const {
  return converted(store_.list_trash());
}

StorageResult<std::string> LocalSpace::restore_from_trash(std::string_view id,
                                                          std::optional<std::string> to) {
  return converted(store_.restore_from_trash(id, std::move(to)));
}

StorageResult<Freed> LocalSpace::delete_from_trash(std::optional<std::string> id) {
  return converted(store_.delete_from_trash(std::move(id)));
}

StorageResult<Freed> LocalSpace::purge_trash(std::chrono::system_clock::time_point cutoff) {
  return converted(store_.purge_trash(to_ns(cutoff)));
}

StorageResult<std::vector<VersionEntry>> LocalSpace::list_versions(std::string_view path) const {
  return converted(store_.list_versions(path));
}

StorageResult<Published> LocalSpace::restore_version(std::string_view path, std::string_view id) {
  auto version = store_.restore_version(path, id, now_ns());
  if (!version) return storage_error_of(version.error());
  Published published{std::move(*version), std::nullopt, {}};
  auto freed = store_.prune_versions(path, retention_->versions_kept,
                                     cutoff_ns(*retention_, retention_->version_max_age));
  if (freed) published.freed = *freed;
  return published;
}

StorageResult<Freed> LocalSpace::prune_versions(std::size_t keep,
                                                std::chrono::system_clock::time_point cutoff) {
  return converted(store_.prune_versions(std::nullopt, keep, to_ns(cutoff)));
}

StorageResult<Freed> LocalSpace::drop_oldest_versions(std::uint64_t bytes) {
  return converted(store_.drop_oldest_versions(bytes));
}

StorageResult<std::vector<Backend::UserFreed>> LocalBackend::purge_expired(
    std::chrono::seconds trash_max_age) {
  std::vector<UserFreed> purged;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(home_, ec)) {
    std::string name = entry.path().filename().string();
    if (!validate_username(name) || !entry.is_directory(ec)) continue;
    auto space = open_space(name);
    if (!space) continue;  // removed meanwhile
    UserFreed user{name, {}};
    auto trash = (*space)->purge_trash(retention_->clock() - trash_max_age);
    if (!trash) return std::move(trash).error();
    user.freed += *trash;
    auto versions = (*space)->prune_versions(
        retention_->versions_kept, std::chrono::system_clock::time_point(std::chrono::nanoseconds(
                                       cutoff_ns(*retention_, retention_->version_max_age))));
    if (!versions) return std::move(versions).error();
    user.freed += *versions;
    if (user.freed.entries > 0) purged.push_back(std::move(user));
  }
  if (ec) return storage_error_from_errno(ec.value(), "list users' folders");
  return purged;
}

}  // namespace netdisk::storage
