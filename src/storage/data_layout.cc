#include "storage/data_layout.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>

#include <fmt/format.h>

#include "storage/atomic_file.h"
#include "storage/unique_fd.h"

namespace netdisk::storage {
namespace {

namespace fs = std::filesystem;

Status make_private_directory(const fs::path& path) {
  if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) {
    return error_from_errno(errno, fmt::format("create {}", path.string()));
  }
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
    return make_error(Errc::io_error, fmt::format("{} is not a directory", path.string()));
  }
  return {};
}

bool is_inside(const fs::path& child, const fs::path& parent) {
  auto relative = child.lexically_relative(parent);
  return !relative.empty() && *relative.begin() != "..";
}

}  // namespace

Result<DataLayout> DataLayout::prepare(const fs::path& data_dir, const fs::path& users_file) {
  std::error_code ec;
  fs::create_directories(data_dir, ec);
  if (ec) {
    return make_error(Errc::io_error,
                      fmt::format("cannot create data folder {}: {}", data_dir.string(), ec.message()));
  }
  DataLayout layout;
  layout.data_dir_ = fs::absolute(data_dir).lexically_normal();
  layout.home_dir_ = layout.data_dir_ / "home";
  layout.users_file_ = users_file.empty() ? layout.data_dir_ / "users.xlsx"
                                          : fs::absolute(users_file).lexically_normal();
  if (is_inside(layout.users_file_, layout.home_dir_)) {
    return make_error(Errc::invalid_path, "the users workbook must not be inside the home folder");
  }
  if (auto made = make_private_directory(layout.home_dir_); !made.ok()) return made.error();
  return layout;
}

Status DataLayout::create_user_folder(std::string_view username) const {
  auto folder = user_folder(username);
  if (::mkdir(folder.c_str(), 0700) != 0) {
    if (errno != EEXIST) return error_from_errno(errno, "create user folder");
    std::error_code ec;
    if (!fs::is_directory(fs::symlink_status(folder, ec)) || !fs::is_empty(folder, ec) || ec) {
      return make_error(Errc::user_exists,
                        "this name cannot be registered: a folder of that name still holds files; "
                        "ask the server administrator");
    }
  }
  UniqueFd home(::open(home_dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!home) return error_from_errno(errno, "open home folder");
  return fsync_directory(home.get());
}

}  // namespace netdisk::storage
