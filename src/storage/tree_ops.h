// TreeOps: the recursive steps of a user space on a local file system: removing a whole tree
// and copying a file or a tree. Each works from an open directory descriptor and an entry name,
// opens every level beneath the previous one (confined_open.h), and never follows a symlink:
// a symlink or special file met on the way is removed as a name, never copied or entered.
// Thread-safe: plain system calls; the caller holds the NameLock it needs.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace netdisk::storage {

// Removes the entry `name` of `dirfd`: a file, or a folder with everything under it, partial
// uploads included. `shown` is the client path for messages. not_found if it is gone.
Status remove_entry_tree(int dirfd, const std::string& name, std::string_view shown);

// Copies the file or folder `from_name` of `from_dir` to `to_name` of `to_dir`. A file is
// written to a temporary file beside the target, fsynced and renamed into place (replacing a
// file only with `replace`; already_exists otherwise); its stored checksum goes with it when
// still valid. A folder is created (or, with `replace`, an existing empty folder reused;
// not_empty otherwise) and its entries are copied one by one. is_a_directory / not_a_directory
// when the target is of the other kind.
Status copy_entry(int from_dir, const std::string& from_name, int to_dir,
                  const std::string& to_name, bool replace, std::string_view shown);

}  // namespace netdisk::storage

namespace netdisk::storage {

// The bytes of every regular file in the entry `name` of `dirfd` (the file itself, or a whole
// folder tree), never following a symlink. Unreadable subfolders count as empty.
Result<std::uint64_t> entry_tree_bytes(int dirfd, const std::string& name);

}  // namespace netdisk::storage
