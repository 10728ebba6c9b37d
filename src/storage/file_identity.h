// FileIdentity: what tells one version of a file from another without reading it (device,
// inode, size, modification time to the nanosecond). A spreadsheet program saving users.xlsx
// changes at least one of them, and rename(2) keeps all of them, so the identity of a
// temporary file before its rename is the identity of the published file. Pure values.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>

#include "common/result.h"

namespace netdisk::storage {

struct FileIdentity {
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;

  friend bool operator==(const FileIdentity&, const FileIdentity&) = default;
};

// The identity of the file at `path` (links followed); nullopt when it does not exist. Other
// stat failures are errors.
Result<std::optional<FileIdentity>> identity_of(const std::filesystem::path& path);

// The identity of the open file `fd`.
Result<FileIdentity> identity_of_fd(int fd);

}  // namespace netdisk::storage
