// Trash and versions: what the storage interface (user_space.h) says about removed files and
// replaced contents, and the policy a backend keeps them by. Both live inside the user's
// space, where no client path reaches (safe_path.h's reserved names), and both keep the
// existing inode (rename, link): moving into the trash or keeping a version frees and costs
// nothing; bytes go only when an entry or a version is deleted for good, which every call
// below that does so reports (Freed), for the quota ledger. Plain values; no threads.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace netdisk::storage {

using WallClock = std::function<std::chrono::system_clock::time_point()>;

// How a backend keeps versions, and the clock that dates trash entries and versions.
struct Retention {
  std::size_t versions_kept = 10;                        // per file; 0 keeps none
  std::chrono::seconds version_max_age{90 * 24 * 3600};  // 0: no age limit
  WallClock clock = [] { return std::chrono::system_clock::now(); };
};

// One removed file or folder, waiting in the trash.
struct TrashEntry {
  std::string id;             // names the entry in restore and delete calls
  std::string original_path;  // where it was
  bool is_directory = false;
  std::uint64_t size = 0;       // bytes of every file in it, when it was removed
  std::int64_t removed_ns = 0;  // wall clock, nanoseconds since the epoch
};

// One earlier content of a file.
struct VersionEntry {
  std::string id;            // names the version in restore calls
  std::int64_t time_ns = 0;  // when it was replaced (wall clock, ns since the epoch)
  std::uint64_t size = 0;
  std::string checksum;  // XXH3-128, 32 lowercase hex digits
};

// What a deletion for good gave back.
struct Freed {
  std::size_t entries = 0;
  std::uint64_t bytes = 0;
  Freed& operator+=(const Freed& other) {
    entries += other.entries;
    bytes += other.bytes;
    return *this;
  }
};

inline std::int64_t to_ns(std::chrono::system_clock::time_point when) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(when.time_since_epoch()).count();
}

}  // namespace netdisk::storage
