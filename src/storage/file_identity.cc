#include "storage/file_identity.h"

#include <sys/stat.h>

#include <cerrno>

namespace netdisk::storage {
namespace {

FileIdentity from_stat(const struct stat& info) {
  return {static_cast<std::uint64_t>(info.st_dev), static_cast<std::uint64_t>(info.st_ino),
          static_cast<std::uint64_t>(info.st_size),
          static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1000000000 + info.st_mtim.tv_nsec};
}

}  // namespace

Result<std::optional<FileIdentity>> identity_of(const std::filesystem::path& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    if (errno == ENOENT) return std::optional<FileIdentity>{};
    return error_from_errno(errno, "stat workbook");
  }
  return std::optional<FileIdentity>{from_stat(info)};
}

Result<FileIdentity> identity_of_fd(int fd) {
  struct stat info {};
  if (::fstat(fd, &info) != 0) return error_from_errno(errno, "stat workbook");
  return from_stat(info);
}

}  // namespace netdisk::storage
