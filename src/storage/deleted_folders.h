// The folders of deleted users, kept aside in <data>/deleted/ for a retention time before
// they are removed: `netdiskd admin user delete` moves home/<name> to
// deleted/<UTC time>-<name>, where no transport reaches (every one is confined to home/<user>),
// and a periodic sweep removes those older than the retention. The time in the name, not the
// folder's mtime, says when the user was deleted: a rename keeps the old mtime. Stateless
// functions that block on disk: run them on the blocking pool. Described in docs/ADMIN.md.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "storage/data_layout.h"

namespace netdisk::storage {

using WallTime = std::chrono::system_clock::time_point;

// The name under deleted/ of `username`'s folder set aside at `when`: "20261202T162500Z-alice".
std::string deleted_folder_name(std::string_view username, WallTime when);
// When a folder of that form was set aside; nullopt for any other name (left alone).
std::optional<WallTime> deleted_at(std::string_view folder_name);

// Moves the user's folder (home/<username>, never followed through a symlink) to deleted/,
// creating deleted/ (0700) when missing, durably (both parents fsynced). Returns the name it got
// under deleted/, or nullopt when the user had no folder. A second deletion in the same second
// gets a ".2", ".3", ... suffix. Errors: io_error and the like (messages name no server path).
Result<std::optional<std::string>> set_aside_user_folder(const DataLayout& layout,
                                                         std::string_view username, WallTime when);

// Removes deleted/<folder_name> and everything in it now (`--purge`). Symlinks inside are
// removed, never followed.
Status remove_deleted_folder(const DataLayout& layout, std::string_view folder_name);

// Removes every folder in deleted/ set aside more than `retention` before `now`. Returns how
// many it removed; a missing deleted/ is none.
Result<std::size_t> sweep_deleted_folders(const DataLayout& layout, std::chrono::seconds retention,
                                          WallTime now);

}  // namespace netdisk::storage
