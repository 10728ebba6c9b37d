#include "storage/confined_open.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <optional>

#include <fmt/format.h>

namespace netdisk::storage {
namespace {

constexpr std::uint64_t kResolveFlags =
    RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;

// glibc 2.36 has no openat2() wrapper. `extra` adds RESOLVE_CACHED for the cache-only opens.
int sys_openat2(int dirfd, const char* path, int flags, mode_t mode, std::uint64_t extra = 0) {
  open_how how{};
  how.flags = static_cast<std::uint64_t>(flags | O_CLOEXEC);
  how.mode = (flags & (O_CREAT | O_TMPFILE)) != 0 ? mode : 0;
  how.resolve = kResolveFlags | extra;
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

// One open beneath `dirfd`. With `cached_only`, resolved from the kernel's caches alone
// (RESOLVE_CACHED): nullopt when that is not possible without reading the disk.
std::optional<Result<UniqueFd>> open_once(int dirfd, const std::string& relative, int flags,
                                          mode_t mode, bool cached_only) {
  // EAGAIN: RESOLVE_* lookups fail rather than retry when a concurrent rename races with them.
  for (int attempt = 0;; ++attempt) {
    int fd = sys_openat2(dirfd, relative.c_str(), flags, mode, cached_only ? RESOLVE_CACHED : 0);
    if (fd >= 0) return Result<UniqueFd>(UniqueFd(fd));
    if (errno == EINTR) continue;
    if (errno == EAGAIN && cached_only) return std::nullopt;
    if (errno == EAGAIN && attempt < 16) continue;
    return Result<UniqueFd>(open_error(errno, relative));
  }
}

std::optional<Result<UniqueFd>> failed(Error error) { return Result<UniqueFd>(std::move(error)); }

// open_regular_beneath(), optionally from the caches alone (then nullopt as open_once).
std::optional<Result<UniqueFd>> open_regular(int dirfd, const std::string& relative, int flags,
                                             bool cached_only) {
  auto probe = open_once(dirfd, relative, O_PATH, 0, cached_only);
  if (!probe || !*probe) return probe;
  struct ::stat before {};
  if (::fstat((*probe)->get(), &before) != 0) return failed(error_from_errno(errno, "stat"));
  if (S_ISDIR(before.st_mode)) {
    return failed(make_error(Errc::is_a_directory, fmt::format("'{}' is a folder", relative)));
  }
  if (!S_ISREG(before.st_mode)) {
    return failed(
        make_error(Errc::invalid_path, fmt::format("'{}' is not a regular file", relative)));
  }
  auto file = open_once(dirfd, relative, flags | O_NOCTTY | O_NONBLOCK, 0, cached_only);
  if (!file || !*file) return file;
  // Check again: the name may have been replaced between the two opens (an upload committed).
  struct ::stat after {};
  if (::fstat((*file)->get(), &after) != 0) return failed(error_from_errno(errno, "stat"));
  if (!S_ISREG(after.st_mode)) {
    return failed(
        make_error(Errc::invalid_path, fmt::format("'{}' is not a regular file", relative)));
  }
  int status = ::fcntl((*file)->get(), F_GETFL);
  if (status >= 0) ::fcntl((*file)->get(), F_SETFL, status & ~O_NONBLOCK);
  return file;
}

}  // namespace

Result<UniqueFd> open_beneath(int dirfd, const std::string& relative, int flags, mode_t mode) {
  return *open_once(dirfd, relative, flags, mode, false);  // never nullopt without cached_only
}

Result<UniqueFd> open_directory_beneath(int dirfd, const std::string& relative) {
  return open_beneath(dirfd, relative, O_RDONLY | O_DIRECTORY);
}

Result<UniqueFd> open_regular_beneath(int dirfd, const std::string& relative, int flags) {
  return *open_regular(dirfd, relative, flags, false);
}

std::optional<Result<UniqueFd>> open_regular_cached(int dirfd, const std::string& relative,
                                                    int flags) {
  return open_regular(dirfd, relative, flags, true);
}

Result<struct ::stat> stat_entry(int dirfd, const std::string& name) {
  struct ::stat st {};
  if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    return error_from_errno(errno, fmt::format("stat '{}'", name));
  }
  return st;
}

Status for_each_directory_name(int dirfd,
                               const std::function<void(std::string_view, unsigned char)>& visit) {
  auto fresh = open_directory_beneath(dirfd, ".");
  if (!fresh) return std::move(fresh).error();
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::fdopendir(fresh->get()), &::closedir);
  if (!dir) return error_from_errno(errno, "read folder");
  fresh->release();  // now owned by `dir`
  while (true) {
    errno = 0;
    const dirent* entry = ::readdir(dir.get());
    if (entry == nullptr) {
      if (errno != 0) return error_from_errno(errno, "read folder");
      return {};
    }
    std::string_view name = entry->d_name;
    if (name == "." || name == "..") continue;
    visit(name, entry->d_type);
  }
}

Result<std::vector<DirectoryName>> read_directory(int dirfd) {
  std::vector<DirectoryName> names;
  auto walked = for_each_directory_name(dirfd, [&names](std::string_view name, unsigned char type) {
    names.push_back(DirectoryName{std::string(name), type});
  });
  if (!walked) return std::move(walked).error();
  return names;
}

}  // namespace netdisk::storage
