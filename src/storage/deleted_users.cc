#include "storage/deleted_users.h"

#include "storage/deleted_folders.h"

namespace netdisk::storage {

Result<std::optional<std::string>> LocalDeletedUsers::set_aside(std::string_view username,
                                                                WallTime when) {
  return set_aside_user_folder(layout_, username, when);
}

Status LocalDeletedUsers::remove(std::string_view kept_as) {
  return remove_deleted_folder(layout_, kept_as);
}

Result<std::size_t> LocalDeletedUsers::sweep(std::chrono::seconds retention, WallTime now) {
  return sweep_deleted_folders(layout_, retention, now);
}

}  // namespace netdisk::storage
