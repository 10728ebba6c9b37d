#include "storage/target_check.h"

#include <sys/stat.h>

#include <fmt/format.h>

#include "storage/checksum.h"
#include "storage/confined_open.h"

namespace netdisk::storage {

Result<TargetState> target_state(int dirfd, const std::string& name) {
  auto st = stat_entry(dirfd, name);
  if (!st) {
    if (st.error().code == Errc::not_found) return TargetState{};
    return std::move(st).error();
  }
  TargetState state;
  state.exists = true;
  state.is_directory = S_ISDIR(st->st_mode);
  state.mtime_ns = mtime_ns(*st);
  if (S_ISREG(st->st_mode)) {
    state.version = version_tag(*st);
    state.size = static_cast<std::uint64_t>(st->st_size);
  }
  return state;
}

TargetCheck require_version(std::string version) {
  return [version = std::move(version)](const TargetState& state) -> StorageStatus {
    if (!state.exists) {
      return storage_error(StorageErrc::condition_failed,
                           fmt::format("the file is gone; it was expected at version {}", version));
    }
    if (state.version != version) {
      return storage_error(StorageErrc::condition_failed,
                           fmt::format("the file is no longer at version {}", version));
    }
    return {};
  };
}

TargetCheck require_absent() {
  return [](const TargetState& state) -> StorageStatus {
    if (!state.exists) return {};
    return storage_error(StorageErrc::condition_failed,
                         "the name is taken; it was expected to be free");
  };
}

}  // namespace netdisk::storage
