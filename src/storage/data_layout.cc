#include "storage/data_layout.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>  // renameat2

#include <fmt/format.h>

#include "storage/atomic_file.h"
#include "storage/confined_open.h"
#include "storage/unique_fd.h"
#include "storage/username.h"

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

// The one folder in `home` whose name matches `key` without regard to case; empty when there
// is none or more than one (then nothing is adopted: a guess could hand over someone's files).
Result<std::string> folder_matching_key(int home, std::string_view key) {
  auto names = read_directory(home);
  if (!names) return std::move(names).error();
  std::string found;
  for (auto& entry : *names) {
    if (username_key(entry.name) != key) continue;
    auto st = stat_entry(home, entry.name);
    if (!st || !S_ISDIR(st->st_mode)) continue;
    if (!found.empty()) return std::string();
    found = std::move(entry.name);
  }
  return found;
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
    return make_error(Errc::io_error, fmt::format("cannot create data folder {}: {}",
                                                  data_dir.string(), ec.message()));
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

Result<DataLayout::FolderFix> DataLayout::ensure_user_folder(std::string_view username) const {
  std::string name(username);
  UniqueFd home(::open(home_dir_.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!home) return error_from_errno(errno, "open the users' home folder");
  auto existing = stat_entry(home.get(), name);
  if (existing) {
    if (S_ISDIR(existing->st_mode)) return FolderFix::present;
    return make_error(Errc::not_a_directory,
                      "something other than a folder holds your folder's name");
  }
  if (existing.error().code != Errc::not_found) return std::move(existing).error();
  auto match = folder_matching_key(home.get(), username_key(name));
  if (!match) return std::move(match).error();
  FolderFix fix = FolderFix::created;
  if (!match->empty() &&
      ::renameat2(home.get(), match->c_str(), home.get(), name.c_str(), RENAME_NOREPLACE) == 0) {
    fix = FolderFix::adopted;
  } else if (::mkdirat(home.get(), name.c_str(), 0700) != 0) {
    if (errno != EEXIST) return error_from_errno(errno, "create your folder");
    // Made by a concurrent call meanwhile: fine if it is a folder.
    auto now = stat_entry(home.get(), name);
    if (now && S_ISDIR(now->st_mode)) return FolderFix::present;
    return make_error(Errc::not_a_directory,
                      "something other than a folder holds your folder's name");
  }
  if (auto synced = fsync_directory(home.get()); !synced) return std::move(synced).error();
  return fix;
}

namespace {

void replace_all(std::string& text, const std::string& from, std::string_view to) {
  if (from.empty()) return;
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

}  // namespace

std::string DataLayout::without_server_paths(std::string_view text) const {
  std::string out(text);
  replace_all(out, users_file_.string(), users_file_.filename().string());
  replace_all(out, data_dir_.string(), "<data folder>");
  return out;
}
}  // namespace netdisk::storage
