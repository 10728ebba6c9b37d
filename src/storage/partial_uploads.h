// PartialUploads: the hidden files that hold unfinished uploads, how they are named, and how
// idle ones are cleared. A partial file sits beside its target and is named
//   kPartialPrefix + 32 hex digits   resumable: XXH3-128 of (target name, size, content hash)
//   kPartialPrefix + 16 hex digits   not resumable: random
// An Upload holds an exclusive flock(2) on its partial file for as long as it lives; cleaners
// only remove a file whose lock they can take. Thread-safe: plain system calls, no state.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace netdisk::storage {

// The deterministic name of the resumable partial file for uploading `size` bytes with
// checksum `content_hash` to `target_name`: the same triple always gives the same name.
std::string resumable_partial_name(std::string_view target_name, std::uint64_t size,
                                   std::string_view content_hash);

// A fresh random partial name, for an upload that cannot be resumed.
std::string random_partial_name();

// Removes the reserved entry `name` (kPartialPrefix or kTempPrefix) of `dirfd` unless an
// Upload holds it, or unless its mtime is newer than `max_age` (when given). Returns whether
// it was removed; `removed_bytes`, when given, grows by its size then. not_found if it is gone
// already.
Result<bool> remove_idle_reserved_file(int dirfd, const std::string& name,
                                       std::optional<std::chrono::seconds> max_age,
                                       std::uint64_t* removed_bytes = nullptr);

// For removing a folder that looks empty to the client. If `dirfd` holds nothing but reserved
// entries, removes those that are idle and returns true when none is left in use; returns
// false if the folder holds anything else or an upload into it is in progress.
Result<bool> clear_reserved_entries(int dirfd);

// Walks the tree under `root` (never following symlinks) and removes partial-upload and temp
// files whose mtime is older than `max_age` and that no Upload holds. Returns how many it
// removed (`freed_bytes`, when given, grows by their sizes). Errors only if `root` itself cannot
// be opened; unreadable subfolders are skipped.
Result<std::size_t> sweep_reserved_files(const std::filesystem::path& root,
                                         std::chrono::seconds max_age,
                                         std::uint64_t* freed_bytes = nullptr);

}  // namespace netdisk::storage
