#include "storage/confined_open.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <memory>

#include <fmt/format.h>

namespace netdisk::storage {
namespace {

constexpr std::uint64_t kResolveFlags =
    RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;

// glibc 2.36 has no openat2() wrapper.
int sys_openat2(int dirfd, const char* path, int flags, mode_t mode) {
  open_how how{};
  how.flags = static_cast<std::uint64_t>(flags | O_CLOEXEC);
  how.mode = (flags & (O_CREAT | O_TMPFILE)) != 0 ? mode : 0;
  how.resolve = kResolveFlags;
  return static_cast<int>(::syscall(SYS_openat2, dirfd, path, &how, sizeof how));
}

Error open_error(int errnum, const std::string& relative) {
  if (errnum == EXDEV || errnum == ELOOP) {
    return make_error(
        Errc::invalid_path,
        fmt::format("'{}' goes through a symbolic link or leaves your folder", relative));
  }
  return error_from_errno(errnum, fmt::format("open '{}'", relative));
}

}  // namespace

Result<UniqueFd> open_beneath(int dirfd, const std::string& relative, int flags, mode_t mode) {
  // EAGAIN: RESOLVE_* lookups fail rather than retry when a concurrent rename races with them.
  for (int attempt = 0;; ++attempt) {
    int fd = sys_openat2(dirfd, relative.c_str(), flags, mode);
    if (fd >= 0) return UniqueFd(fd);
    if (errno == EINTR || (errno == EAGAIN && attempt < 16)) continue;
    return open_error(errno, relative);
  }
}

Result<UniqueFd> open_directory_beneath(int dirfd, const std::string& relative) {
  return open_beneath(dirfd, relative, O_RDONLY | O_DIRECTORY);
}

Result<UniqueFd> open_regular_beneath(int dirfd, const std::string& relative, int flags) {
  auto probe = open_beneath(dirfd, relative, O_PATH);
  if (!probe) return std::move(probe).error();
  struct ::stat before {};
  if (::fstat(probe->get(), &before) != 0) return error_from_errno(errno, "stat");
  if (S_ISDIR(before.st_mode)) {
    return make_error(Errc::is_a_directory, fmt::format("'{}' is a folder", relative));
  }
  if (!S_ISREG(before.st_mode)) {
    return make_error(Errc::invalid_path, fmt::format("'{}' is not a regular file", relative));
  }
  auto file = open_beneath(dirfd, relative, flags | O_NOCTTY | O_NONBLOCK);
  if (!file) return std::move(file).error();
  // Check again: the name may have been replaced between the two opens (an upload committed).
  struct ::stat after {};
  if (::fstat(file->get(), &after) != 0) return error_from_errno(errno, "stat");
  if (!S_ISREG(after.st_mode)) {
    return make_error(Errc::invalid_path, fmt::format("'{}' is not a regular file", relative));
  }
  int status = ::fcntl(file->get(), F_GETFL);
  if (status >= 0) ::fcntl(file->get(), F_SETFL, status & ~O_NONBLOCK);
  return file;
}

Result<struct ::stat> stat_entry(int dirfd, const std::string& name) {
  struct ::stat st {};
  if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    return error_from_errno(errno, fmt::format("stat '{}'", name));
  }
  return st;
}

Result<std::vector<DirectoryName>> read_directory(int dirfd) {
  auto fresh = open_directory_beneath(dirfd, ".");
  if (!fresh) return std::move(fresh).error();
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::fdopendir(fresh->get()), &::closedir);
  if (!dir) return error_from_errno(errno, "read folder");
  fresh->release();  // now owned by `dir`
  std::vector<DirectoryName> names;
  while (true) {
    errno = 0;
    const dirent* entry = ::readdir(dir.get());
    if (entry == nullptr) {
      if (errno != 0) return error_from_errno(errno, "read folder");
      return names;
    }
    std::string_view name = entry->d_name;
    if (name == "." || name == "..") continue;
    names.push_back(DirectoryName{std::string(name), entry->d_type});
  }
}

}  // namespace netdisk::storage
