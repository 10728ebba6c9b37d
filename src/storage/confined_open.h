// ConfinedOpen: the only way NetDisk opens anything under a user's folder. Each open is an
// openat2(2) from a directory fd with RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
// RESOLVE_NO_MAGICLINKS, so the kernel refuses a path that would leave that directory or cross
// a symbolic link, whoever planted it. Paths are never opened from outside the folder.
// Thread-safe: plain system calls, no state.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <functional>
#include <string>
#include <vector>

#include "common/result.h"
#include "storage/unique_fd.h"

namespace netdisk::storage {

// Opens `relative` (a join_components() path, "." for `dirfd` itself) beneath `dirfd` with
// `flags` | O_CLOEXEC. Errors: invalid_path if the path crosses a symlink or leaves `dirfd`
// (EXDEV, ELOOP), not_found, not_a_directory, is_a_directory, permission_denied, io_error.
Result<UniqueFd> open_beneath(int dirfd, const std::string& relative, int flags, mode_t mode = 0);

// Opens a directory beneath `dirfd` for reading (listing, fsync, *at() calls). Errors as
// open_beneath(); not_a_directory if it is a file.
Result<UniqueFd> open_directory_beneath(int dirfd, const std::string& relative);

// Opens a regular file beneath `dirfd` with `flags` (O_RDONLY or O_RDWR). The type is checked
// through an O_PATH descriptor first, so FIFOs, sockets and devices are never opened for I/O:
// they give invalid_path, a directory gives is_a_directory. Otherwise errors as open_beneath().
Result<UniqueFd> open_regular_beneath(int dirfd, const std::string& relative, int flags);

// open_regular_beneath() resolved from the kernel's dentry cache alone (RESOLVE_CACHED, the
// same confinement flags): nullopt when the lookup would have to read a folder from the disk
// (or raced with a rename), so a caller on an I/O thread can try it and fall back to the
// blocking pool. Errors as open_regular_beneath().
std::optional<Result<UniqueFd>> open_regular_cached(int dirfd, const std::string& relative,
                                                    int flags);

// fstatat(2) of the single entry `name` in `dirfd`, not following a symlink. not_found if absent.
Result<struct ::stat> stat_entry(int dirfd, const std::string& name);

struct DirectoryName {
  std::string name;
  unsigned char type;  // d_type: DT_REG, DT_DIR, DT_LNK, ... or DT_UNKNOWN
};

// The names in directory `dirfd` (without "." and ".."), in no particular order. Reads through
// a fresh descriptor, so `dirfd`'s own position is untouched. io_error if reading fails.
Result<std::vector<DirectoryName>> read_directory(int dirfd);

// The same walk, handing each name to `visit` instead of keeping them all.
Status for_each_directory_name(int dirfd,
                               const std::function<void(std::string_view, unsigned char)>& visit);

// What a client may see: regular files and directories. Symlinks, FIFOs, devices are not.
inline bool is_servable(const struct ::stat& st) noexcept {
  return S_ISREG(st.st_mode) || S_ISDIR(st.st_mode);
}

// The modification time of `st` in nanoseconds since the epoch.
inline std::int64_t mtime_ns(const struct ::stat& st) noexcept {
  return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
}

}  // namespace netdisk::storage
