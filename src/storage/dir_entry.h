// DirEntry: what a listing says about one file or folder. Shared by the storage interface
// (user_space.h) and the local implementation's FileStore. A plain value.
#pragma once

#include <cstdint>
#include <string>

namespace netdisk::storage {

struct DirEntry {
  std::string name;
  bool is_directory = false;
  std::uint64_t size = 0;  // 0 for folders
  std::int64_t mtime_ns = 0;
  std::string version{};  // a file's version tag, as OpenFile::version() gives it; "" for folders
};

}  // namespace netdisk::storage
