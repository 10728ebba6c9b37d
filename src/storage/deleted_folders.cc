#include "storage/deleted_folders.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <system_error>

#include <fmt/format.h>

#include "storage/atomic_file.h"
#include "storage/unique_fd.h"

namespace netdisk::storage {
namespace {

namespace fs = std::filesystem;
constexpr std::size_t kStampBytes = 16;  // 20261202T162500Z
constexpr int kMaxSameSecond = 100;

UniqueFd open_dir(const fs::path& path) {
  return UniqueFd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
}

// deleted/, created (0700) when missing, and open.
Result<UniqueFd> open_deleted_dir(const DataLayout& layout, bool create) {
  auto path = layout.deleted_dir();
  if (create && ::mkdir(path.c_str(), 0700) == 0) {
    UniqueFd data = open_dir(layout.data_dir());
    if (data) (void)fsync_directory(data.get());
  } else if (create && errno != EEXIST) {
    return error_from_errno(errno, "create the deleted users' folder");
  }
  UniqueFd dir = open_dir(path);
  if (!dir) return error_from_errno(errno, "open the deleted users' folder");
  return dir;
}

// Renames home/<username> into deleted/ under `target` or a suffixed variant; the name used.
Result<std::string> rename_aside(int home, int deleted, std::string_view username,
                                 const std::string& target) {
  std::string name = target;
  for (int n = 2; n <= kMaxSameSecond; ++n) {
    if (::renameat2(home, std::string(username).c_str(), deleted, name.c_str(), RENAME_NOREPLACE) ==
        0) {
      return name;
    }
    if (errno != EEXIST) return error_from_errno(errno, "move the user's folder aside");
    name = fmt::format("{}.{}", target, n);
  }
  return make_error(Errc::io_error, "too many deletions of this user in one second");
}

}  // namespace

std::string deleted_folder_name(std::string_view username, WallTime when) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  char stamp[kStampBytes + 1];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &utc);
  return fmt::format("{}-{}", stamp, username);
}

std::optional<WallTime> deleted_at(std::string_view folder_name) {
  if (folder_name.size() <= kStampBytes + 1 || folder_name[kStampBytes] != '-') return {};
  std::tm utc{};
  std::string stamp(folder_name.substr(0, kStampBytes));
  const char* end = ::strptime(stamp.c_str(), "%Y%m%dT%H%M%SZ", &utc);
  if (end == nullptr || *end != '\0') return {};
  return std::chrono::system_clock::from_time_t(::timegm(&utc));
}

Result<std::optional<std::string>> set_aside_user_folder(const DataLayout& layout,
                                                         std::string_view username, WallTime when) {
  UniqueFd home = open_dir(layout.home_dir());
  if (!home) return error_from_errno(errno, "open the users' folders");
  struct stat info {};
  if (::fstatat(home.get(), std::string(username).c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return std::optional<std::string>();
    return error_from_errno(errno, "look at the user's folder");
  }
  auto deleted = open_deleted_dir(layout, true);
  if (!deleted) return std::move(deleted).error();
  auto name =
      rename_aside(home.get(), deleted->get(), username, deleted_folder_name(username, when));
  if (!name) return std::move(name).error();
  if (auto synced = fsync_directory(deleted->get()); !synced) return std::move(synced).error();
  if (auto synced = fsync_directory(home.get()); !synced) return std::move(synced).error();
  return std::optional<std::string>(std::move(*name));
}

Status remove_deleted_folder(const DataLayout& layout, std::string_view folder_name) {
  // The name comes from set_aside_user_folder or a listing of deleted/, never from a client;
  // still, it must be one entry of deleted/.
  if (folder_name.empty() || folder_name.find('/') != std::string_view::npos ||
      folder_name == "." || folder_name == "..") {
    return make_error(Errc::invalid_path, "not a deleted user's folder");
  }
  std::error_code ec;
  fs::remove_all(layout.deleted_dir() / folder_name, ec);  // never follows a symlink
  if (ec) return error_from_errno(ec.value(), "remove a deleted user's folder");
  return {};
}

Result<std::size_t> sweep_deleted_folders(const DataLayout& layout, std::chrono::seconds retention,
                                          WallTime now) {
  std::error_code ec;
  std::size_t removed = 0;
  fs::directory_iterator it(layout.deleted_dir(), ec);
  if (ec == std::errc::no_such_file_or_directory) return removed;
  if (ec) return error_from_errno(ec.value(), "list the deleted users' folders");
  for (fs::directory_iterator end; it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    auto when = deleted_at(name);
    if (!when || now - *when < retention) continue;
    if (auto gone = remove_deleted_folder(layout, name); !gone) return std::move(gone).error();
    ++removed;
  }
  if (ec) return error_from_errno(ec.value(), "list the deleted users' folders");
  return removed;
}

}  // namespace netdisk::storage
