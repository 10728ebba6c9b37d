// What a user's files add up to: how many files and how many bytes, over the whole tree of
// their space. Walks the space through its interface, a listing page at a time, so it works on
// any backend and holds one page per folder level, whatever the tree's size. Used by the
// administrator's user list (and, later, quotas). Blocks on storage: call it from the blocking
// pool.
#pragma once

#include <cstdint>

#include "storage/storage_error.h"
#include "storage/user_space.h"

namespace netdisk::storage {

struct SpaceUsage {
  std::uint64_t files = 0;
  std::uint64_t bytes = 0;
  std::uint64_t folders = 0;
};

// Errors: those of UserSpace::list (a folder removed mid-walk is skipped, not an error).
StorageResult<SpaceUsage> space_usage(const UserSpace& space);

}  // namespace netdisk::storage
