// NameLock: serialises the steps that check a name and then change it (a conditional upload's
// "is the target still version X?" and its rename, a conditional delete's check and unlink), so
// no other NetDisk operation on the same name can slip in between. Keyed by the directory's
// device and inode and the entry's name, over a fixed table of striped mutexes (two names may
// share a stripe; that only costs a little waiting). Process-wide: it orders netdiskd's own
// threads, not other processes, which the rename flags (RENAME_NOREPLACE) cover where possible.
#pragma once

#include <mutex>
#include <string_view>

namespace netdisk::storage {

class NameLock {
 public:
  // Locks the name `name` in the directory `dirfd` (any descriptor of it, O_PATH included).
  // Blocks until no other NameLock holds the same stripe.
  NameLock(int dirfd, std::string_view name);
  // Locks two names at once (a rename's source and target), free of lock-order deadlocks.
  NameLock(int dirfd, std::string_view name, int other_dirfd, std::string_view other_name);
  NameLock(const NameLock&) = delete;
  NameLock& operator=(const NameLock&) = delete;

 private:
  std::unique_lock<std::mutex> lock_;
  std::unique_lock<std::mutex> other_lock_;  // empty when both names share a stripe
};

}  // namespace netdisk::storage
