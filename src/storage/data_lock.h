// DataLock: one process at a time owns a data folder. netdiskd holds it for its whole life and
// `netdiskd admin` takes it while it changes a stopped server's files directly, so two writers
// never rewrite users.xlsx or the registration file over each other (a lost update). The lock
// is flock(2) on <data>/netdiskd.lock: the kernel drops it when the process ends, even by
// kill -9, so a crash never leaves the folder locked. Move-only; blocking (open, flock).
#pragma once

#include <filesystem>

#include "common/result.h"
#include "storage/unique_fd.h"

namespace netdisk::storage {

inline constexpr const char* kDataLockName = "netdiskd.lock";

class DataLock {
 public:
  // Creates the data folder if missing (0700) and takes the lock without waiting. Errors:
  // already_exists when another process holds it ("another netdiskd or netdiskd admin is using
  // the data folder ..."); io_error and the like from the system calls.
  static Result<DataLock> acquire(const std::filesystem::path& data_dir);

  DataLock(DataLock&&) noexcept = default;
  DataLock& operator=(DataLock&&) noexcept = default;

 private:
  explicit DataLock(UniqueFd fd) : fd_(std::move(fd)) {}
  UniqueFd fd_;
};

}  // namespace netdisk::storage
