#include "storage/file_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>

#include <fmt/format.h>

#include "storage/atomic_file.h"
#include "storage/checksum.h"
#include "storage/confined_open.h"
#include "storage/errc_bridge.h"
#include "storage/name_lock.h"
#include "storage/partial_uploads.h"
#include "storage/safe_path.h"
#include "storage/stored_bytes.h"
#include "storage/tree_ops.h"

namespace netdisk::storage {
namespace {

Error not_servable(std::string_view path) {
  return make_error(Errc::invalid_path, fmt::format("'{}' is not a regular file or folder", path));
}

DirEntry entry_from_stat(std::string name, const struct ::stat& st) {
  bool is_directory = S_ISDIR(st.st_mode);
  return DirEntry{std::move(name), is_directory,
                  is_directory ? 0 : static_cast<std::uint64_t>(st.st_size), mtime_ns(st),
                  is_directory ? std::string() : version_tag(st)};
}

bool same_inode(int a, int b) {
  struct ::stat sa {};
  struct ::stat sb {};
  return ::fstat(a, &sa) == 0 && ::fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
         sa.st_ino == sb.st_ino;
}

// The regular file or folder `name` in `dirfd`; invalid_path for a symlink or anything else.
Result<struct ::stat> stat_servable(int dirfd, const std::string& name, std::string_view path) {
  auto st = stat_entry(dirfd, name);
  if (!st && st.error().code == Errc::not_found) {
    return make_error(Errc::not_found, fmt::format("'{}' does not exist", path));
  }
  if (!st) return std::move(st).error();
  if (!is_servable(*st)) return not_servable(path);
  return st;
}

// The `count` smallest names after `after` that a client may address, in byte order, and
// whether any such name was left out. A bounded max-heap over one walk of the folder: the
// memory is the page's, not the folder's (a 20,000-entry folder read a page at a time used to
// hold every name once per page, on each pool thread's allocator arena).
struct NameWindow {
  std::vector<std::string> names;
  bool more = false;
};
Result<NameWindow> names_after(int dirfd, std::string_view after, std::size_t count) {
  NameWindow window;
  std::vector<std::string>& heap = window.names;  // a max-heap while walking
  auto walked = for_each_directory_name(dirfd, [&](std::string_view name, unsigned char) {
    // Ours (reserved), not addressable by a client, or on an earlier page.
    if ((!after.empty() && name <= after) || !validate_name(name)) return;
    if (heap.size() == count) {
      window.more = true;
      if (count == 0 || name >= heap.front()) return;
      std::pop_heap(heap.begin(), heap.end());
      heap.back().assign(name);
    } else {
      heap.emplace_back(name);
    }
    std::push_heap(heap.begin(), heap.end());
  });
  if (!walked) return std::move(walked).error();
  std::sort_heap(heap.begin(), heap.end());
  return window;
}

// The first `limit` servable entries after `after`, in byte order of name. A name that
// vanished meanwhile or is a symlink, FIFO, ... is skipped, and the page still fills: a short
// window is followed by another walk from its last name.
Result<std::vector<DirEntry>> page_after(int dirfd, std::string after, std::size_t limit) {
  constexpr std::size_t kSlack = 16;  // room for a few skipped names without a second walk
  std::vector<DirEntry> entries;
  while (entries.size() < limit) {
    std::size_t missing = limit - entries.size();
    std::size_t count = missing > SIZE_MAX - kSlack ? SIZE_MAX : missing + kSlack;
    auto window = names_after(dirfd, after, count);
    if (!window) return std::move(window).error();
    for (auto& name : window->names) {
      if (entries.size() == limit) return entries;
      auto st = stat_entry(dirfd, name);
      if (!st || !is_servable(*st)) continue;
      entries.push_back(entry_from_stat(name, *st));
    }
    if (!window->more || window->names.empty()) break;
    after = std::move(window->names.back());
  }
  return entries;
}

}  // namespace

Result<FileStore> FileStore::open(const std::filesystem::path& user_root) {
  // Messages here reach clients: they never name the server-side path.
  int fd = ::open(user_root.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    int errnum = errno;
    struct ::stat st {};
    if (errnum == ENOTDIR && ::lstat(user_root.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
      return make_error(Errc::invalid_path, "your folder on the server is a symbolic link");
    }
    if (errnum == ENOENT) {
      return make_error(Errc::not_found,
                        "your folder on the server is missing; log in again to have it made");
    }
    return error_from_errno(errnum, "open your folder");
  }
  return FileStore(UniqueFd(fd));
}

Result<FileStore::Parent> FileStore::open_parent(const std::vector<std::string>& components) const {
  auto dir =
      open_directory_beneath(root_.get(), join_components(components, components.size() - 1));
  if (!dir) return std::move(dir).error();
  return Parent{std::move(*dir), components.back()};
}

Result<std::vector<DirEntry>> FileStore::list(std::string_view dir_path) const {
  return list(dir_path, "", static_cast<std::size_t>(-1));
}

Result<std::vector<DirEntry>> FileStore::list(std::string_view dir_path,
                                              std::string_view after_name,
                                              std::size_t limit) const {
  auto components = split_user_dir_path(dir_path);
  if (!components) return std::move(components).error();
  auto dir = open_directory_beneath(root_.get(), join_components(*components));
  if (!dir) return std::move(dir).error();
  return page_after(dir->get(), std::string(after_name), limit);
}

Result<DirEntry> FileStore::stat(std::string_view path) const {
  auto components = split_user_dir_path(path);
  if (!components) return std::move(components).error();
  if (components->empty()) {
    struct ::stat st {};
    if (::fstat(root_.get(), &st) != 0) return error_from_errno(errno, "stat your folder");
    return entry_from_stat("", st);
  }
  auto parent = open_parent(*components);
  if (!parent) return std::move(parent).error();
  auto st = stat_servable(parent->dir.get(), parent->name, path);
  if (!st) return std::move(st).error();
  return entry_from_stat(parent->name, *st);
}

Result<TargetState> FileStore::target_state(std::string_view path) const {
  auto components = split_user_path(path);
  if (!components) return std::move(components).error();
  auto parent = open_parent(*components);
  if (!parent) return std::move(parent).error();
  return storage::target_state(parent->dir.get(), parent->name);
}

Status FileStore::make_directory(std::string_view path, bool parents) {
  auto components = split_user_path(path);
  if (!components) return std::move(components).error();
  if (parents) return make_directories(*components);
  auto parent = open_parent(*components);
  if (!parent) return std::move(parent).error();
  if (::mkdirat(parent->dir.get(), parent->name.c_str(), 0755) != 0) {
    return error_from_errno(errno, fmt::format("create folder '{}'", path));
  }
  return fsync_directory(parent->dir.get());
}

// mkdir -p, one level at a time: each level is opened beneath the previous one, so a symlink
// or a file on the way stops the walk.
Status FileStore::make_directories(const std::vector<std::string>& components) {
  auto current = open_directory_beneath(root_.get(), ".");
  if (!current) return std::move(current).error();
  UniqueFd dir = std::move(*current);
  for (const auto& name : components) {
    if (::mkdirat(dir.get(), name.c_str(), 0755) == 0) {
      if (auto synced = fsync_directory(dir.get()); !synced) return synced;
    } else if (errno != EEXIST) {
      return error_from_errno(errno, fmt::format("create folder '{}'", name));
    }
    auto next = open_directory_beneath(dir.get(), name);
    if (!next) return std::move(next).error();
    dir = std::move(*next);
  }
  return {};
}

Status FileStore::remove(std::string_view path, const TargetCheck& check) {
  auto components = split_user_path(path);
  if (!components) return std::move(components).error();
  auto parent = open_parent(*components);
  if (!parent) return std::move(parent).error();
  int dirfd = parent->dir.get();
  NameLock lock(dirfd, parent->name);
  auto st = stat_servable(dirfd, parent->name, path);
  if (!st) return std::move(st).error();
  if (check) {  // after the existence check: a missing entry is not_found whatever the check
    auto state = storage::target_state(dirfd, parent->name);
    if (!state) return std::move(state).error();
    if (auto allowed = check(*state); !allowed) return errc_error_of(allowed.error());
  }
  if (!S_ISDIR(st->st_mode)) {
    if (::unlinkat(dirfd, parent->name.c_str(), 0) != 0) {
      return error_from_errno(errno, fmt::format("remove '{}'", path));
    }
    return fsync_directory(dirfd);
  }
  if (::unlinkat(dirfd, parent->name.c_str(), AT_REMOVEDIR) != 0) {
    if (errno != ENOTEMPTY && errno != EEXIST) {
      return error_from_errno(errno, fmt::format("remove '{}'", path));
    }
    // Empty to the client's eye, but it may hold our idle partial uploads: those go with it.
    auto folder = open_directory_beneath(dirfd, parent->name);
    if (!folder) return std::move(folder).error();
    auto cleared = clear_reserved_entries(folder->get());
    if (!cleared) return std::move(cleared).error();
    if (!*cleared || ::unlinkat(dirfd, parent->name.c_str(), AT_REMOVEDIR) != 0) {
      return make_error(Errc::not_empty,
                        fmt::format("'{}' is not empty (or an upload into it is running)", path));
    }
  }
  return fsync_directory(dirfd);
}

struct FileStore::Pair {
  Parent from;
  Parent to;
};

Result<FileStore::Pair> FileStore::open_pair(std::string_view from, std::string_view to) const {
  auto source = split_user_path(from);
  if (!source) return std::move(source).error();
  auto target = split_user_path(to);
  if (!target) return std::move(target).error();
  if (target->size() > source->size() &&
      std::equal(source->begin(), source->end(), target->begin())) {
    return make_error(Errc::invalid_path, fmt::format("cannot move '{}' into itself", from));
  }
  auto source_parent = open_parent(*source);
  if (!source_parent) return std::move(source_parent).error();
  auto target_parent = open_parent(*target);
  if (!target_parent) return std::move(target_parent).error();
  return Pair{std::move(*source_parent), std::move(*target_parent)};
}

// With `replace`, the kinds must agree: renameat2(2) itself refuses a folder over a file, but
// gives EEXIST or ENOTEMPTY for a folder over a non-empty folder, which is not_empty here.
Status FileStore::rename(std::string_view from, std::string_view to, bool replace) {
  auto pair = open_pair(from, to);
  if (!pair) return std::move(pair).error();
  int from_dir = pair->from.dir.get();
  int to_dir = pair->to.dir.get();
  NameLock lock(from_dir, pair->from.name, to_dir, pair->to.name);
  auto st = stat_servable(from_dir, pair->from.name, from);
  if (!st) return std::move(st).error();
  if (replace) {
    if (auto target = stat_entry(to_dir, pair->to.name); target) {
      if (S_ISDIR(target->st_mode) && !S_ISDIR(st->st_mode)) {
        return make_error(Errc::is_a_directory, fmt::format("'{}' is a folder", to));
      }
      if (!S_ISDIR(target->st_mode) && S_ISDIR(st->st_mode)) {
        return make_error(Errc::not_a_directory, fmt::format("'{}' is not a folder", to));
      }
    }
  }
  if (::renameat2(from_dir, pair->from.name.c_str(), to_dir, pair->to.name.c_str(),
                  replace ? 0U : static_cast<unsigned>(RENAME_NOREPLACE)) != 0) {
    if (replace && (errno == ENOTEMPTY || errno == EEXIST)) {
      return make_error(Errc::not_empty, fmt::format("'{}' is not empty", to));
    }
    return error_from_errno(errno, fmt::format("move '{}' to '{}'", from, to));
  }
  if (auto synced = fsync_directory(to_dir); !synced) return synced;
  if (same_inode(from_dir, to_dir)) return {};
  return fsync_directory(from_dir);
}

Status FileStore::remove_tree(std::string_view path) {
  auto components = split_user_path(path);
  if (!components) return std::move(components).error();
  auto parent = open_parent(*components);
  if (!parent) return std::move(parent).error();
  int dirfd = parent->dir.get();
  NameLock lock(dirfd, parent->name);
  if (auto st = stat_servable(dirfd, parent->name, path); !st) return std::move(st).error();
  if (auto removed = remove_entry_tree(dirfd, parent->name, path); !removed) return removed;
  return fsync_directory(dirfd);
}

Status FileStore::copy(std::string_view from, std::string_view to, bool replace) {
  auto pair = open_pair(from, to);
  if (!pair) return std::move(pair).error();
  int from_dir = pair->from.dir.get();
  int to_dir = pair->to.dir.get();
  if (auto st = stat_servable(from_dir, pair->from.name, from); !st) {
    return std::move(st).error();
  }
  NameLock lock(to_dir, pair->to.name);
  return copy_entry(from_dir, pair->from.name, to_dir, pair->to.name, replace, to);
}

namespace {

// What a download needs besides the descriptor: size, time and version, from one fstat.
Result<DownloadFile> describe_download(UniqueFd file) {
  struct ::stat st {};
  if (::fstat(file.get(), &st) != 0) return error_from_errno(errno, "stat download");
  return DownloadFile{std::move(file), static_cast<std::uint64_t>(st.st_size), mtime_ns(st),
                      version_tag(st)};
}

}  // namespace

Result<DownloadFile> FileStore::open_for_download(std::string_view path) const {
  auto components = split_user_path(path);
  if (!components) return std::move(components).error();
  auto file = open_regular_beneath(root_.get(), join_components(*components), O_RDONLY);
  if (!file) return std::move(file).error();
  return describe_download(std::move(*file));
}

std::optional<Result<DownloadFile>> FileStore::open_for_download_cached(
    std::string_view path) const {
  auto components = split_user_path(path);
  if (!components) return Result<DownloadFile>(std::move(components).error());
  auto file = open_regular_cached(root_.get(), join_components(*components), O_RDONLY);
  if (!file) return std::nullopt;
  if (!*file) return Result<DownloadFile>(std::move(*file).error());
  return describe_download(std::move(**file));
}

Result<std::string> FileStore::file_checksum(std::string_view path) const {
  auto file = open_for_download(path);
  if (!file) return std::move(file).error();
  return whole_file_checksum(file->fd.get());
}

Result<FileStore::Parent> FileStore::open_upload_parent(std::string_view path) const {
  auto components = split_user_path(path);
  if (!components) return std::move(components).error();
  auto parent = open_parent(*components);
  if (!parent) return std::move(parent).error();
  auto existing = stat_entry(parent->dir.get(), parent->name);
  if (existing) {
    if (S_ISDIR(existing->st_mode)) {
      return make_error(Errc::is_a_directory, fmt::format("'{}' is a folder", path));
    }
    if (!S_ISREG(existing->st_mode)) return not_servable(path);
  } else if (existing.error().code != Errc::not_found) {
    return std::move(existing).error();
  }
  return parent;
}

Result<Upload> FileStore::begin_upload(std::string_view path, std::uint64_t size,
                                       std::optional<std::string> content_hash) {
  auto parent = open_upload_parent(path);
  if (!parent) return std::move(parent).error();
  return Upload::begin(std::move(parent->dir), std::move(parent->name), size,
                       std::move(content_hash));
}

Result<Upload> FileStore::begin_unsized_upload(std::string_view path, std::uint64_t limit) {
  auto parent = open_upload_parent(path);
  if (!parent) return std::move(parent).error();
  return Upload::begin_unsized(std::move(parent->dir), std::move(parent->name), limit);
}

Result<std::size_t> FileStore::sweep_partial_uploads(const std::filesystem::path& root,
                                                     std::chrono::seconds max_age,
                                                     std::uint64_t* freed_bytes) {
  return sweep_reserved_files(root, max_age, freed_bytes);
}

Result<std::uint64_t> FileStore::stored_bytes(std::string_view path) const {
  if (path.empty()) return stored_bytes_beneath(root_.get(), ".");
  auto components = split_user_path(path);
  if (!components) return std::move(components).error();
  return stored_bytes_beneath(root_.get(), join_components(*components));
}

}  // namespace netdisk::storage
