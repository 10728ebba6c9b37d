// DeletedUsers: where a deleted user's files wait out their retention before they are removed
// (`netdiskd admin user delete`, docs/ADMIN.md). The account goes first; then set_aside() takes
// the user's files out of reach, so a later account of the same name starts empty and inherits
// nothing; remove() (`--purge`) and sweep() (past the retention) delete them for good. Two
// implementations: LocalDeletedUsers (home/<name> moved to deleted/, storage/deleted_folders.h)
// and the cluster's (cluster/storage/cluster_deleted_users.h, rows in PostgreSQL). Owned by the
// server's Services; every call blocks on a disk or a database: blocking pool only.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "storage/data_layout.h"

namespace netdisk::storage {

class DeletedUsers {
 public:
  using WallTime = std::chrono::system_clock::time_point;
  virtual ~DeletedUsers() = default;

  // Takes `username`'s files out of their space, dated `when`. Returns the name they are kept
  // under ("20261202T162500Z-alice", shown as deleted/<name>), or nullopt when the user had no
  // files. Uploads in progress end (their partial bytes go).
  virtual Result<std::optional<std::string>> set_aside(std::string_view username,
                                                       WallTime when) = 0;
  // Deletes the files kept under `kept_as` now.
  virtual Status remove(std::string_view kept_as) = 0;
  // Deletes every user's files set aside more than `retention` before `now`; how many.
  virtual Result<std::size_t> sweep(std::chrono::seconds retention, WallTime now) = 0;
};

// This machine's folders: home/<name> renamed into deleted/ (storage/deleted_folders.h).
class LocalDeletedUsers final : public DeletedUsers {
 public:
  explicit LocalDeletedUsers(DataLayout layout) : layout_(std::move(layout)) {}
  Result<std::optional<std::string>> set_aside(std::string_view username, WallTime when) override;
  Status remove(std::string_view kept_as) override;
  Result<std::size_t> sweep(std::chrono::seconds retention, WallTime now) override;

 private:
  DataLayout layout_;
};

}  // namespace netdisk::storage
