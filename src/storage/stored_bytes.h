// stored_bytes: how many bytes a part of a user's folder on a local file system holds, the
// reserved entries included (partial uploads, temp files, and whatever else the server keeps
// there under a reserved name, such as a trash or old versions). What a quota counts
// (server/quota/quota_ledger.h). Walks the tree beneath a descriptor, never following a
// symlink, one folder descriptor open at a time. Blocks on the disk: blocking pool only.
#pragma once

#include <cstdint>
#include <string>

#include "common/result.h"

namespace netdisk::storage {

// The sum of the sizes of the regular files at or under `relative` (a join_components() path,
// "." for `root_fd` itself) beneath `root_fd`. Folders count nothing; symlinks and special
// files are not followed and count nothing. A folder removed mid-walk is skipped.
// Errors: those of opening `relative` (not_found, invalid_path, ...).
Result<std::uint64_t> stored_bytes_beneath(int root_fd, const std::string& relative);

}  // namespace netdisk::storage
