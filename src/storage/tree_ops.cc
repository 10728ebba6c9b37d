#include "storage/tree_ops.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstddef>

#include <fmt/format.h>

#include "storage/atomic_file.h"
#include "storage/checksum.h"
#include "storage/confined_open.h"
#include "storage/property_xattr.h"
#include "storage/safe_path.h"

namespace netdisk::storage {
namespace {

constexpr std::size_t kCopyChunk = 256 * 1024;

std::string child(std::string_view shown, const std::string& name) {
  return shown.empty() ? name : fmt::format("{}/{}", shown, name);
}

// Empties the open folder `dirfd`, depth first.
Status clear_directory(int dirfd, std::string_view shown) {
  auto names = read_directory(dirfd);
  if (!names) return std::move(names).error();
  for (const auto& entry : *names) {
    if (auto removed = remove_entry_tree(dirfd, entry.name, child(shown, entry.name));
        !removed && removed.error().code != Errc::not_found) {
      return removed;
    }
  }
  return {};
}

// The kinds must agree when something is already at the target.
Status check_target(int to_dir, const std::string& to_name, bool source_is_dir, bool replace,
                    std::string_view shown) {
  auto st = stat_entry(to_dir, to_name);
  if (!st) return st.error().code == Errc::not_found ? Status{} : Status{std::move(st).error()};
  if (!replace) return make_error(Errc::already_exists, fmt::format("'{}' exists", shown));
  if (S_ISDIR(st->st_mode) && !source_is_dir) {
    return make_error(Errc::is_a_directory, fmt::format("'{}' is a folder", shown));
  }
  if (!S_ISDIR(st->st_mode) && source_is_dir) {
    return make_error(Errc::not_a_directory, fmt::format("'{}' is not a folder", shown));
  }
  return {};
}

Status copy_bytes(int from, AtomicFile& to) {
  std::array<std::byte, kCopyChunk> buffer{};
  while (true) {
    ssize_t n = ::read(from, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return error_from_errno(errno, "read the file to copy");
    if (n == 0) return {};
    if (auto written = to.write(std::span(buffer.data(), static_cast<std::size_t>(n))); !written) {
      return written;
    }
  }
}

Status copy_file(int from_dir, const std::string& from_name, int to_dir, const std::string& to_name,
                 bool replace, std::string_view shown) {
  if (auto ok = check_target(to_dir, to_name, false, replace, shown); !ok) return ok;
  auto source = open_regular_beneath(from_dir, from_name, O_RDONLY);
  if (!source) return std::move(source).error();
  auto temp = AtomicFile::create(to_dir, to_name);
  if (!temp) return std::move(temp).error();
  if (auto copied = copy_bytes(source->get(), *temp); !copied) return copied;
  // Valid only if the source did not change since it was stored; checked against its state
  // after the copy, so a file changed meanwhile carries no checksum.
  if (auto sum = stored_checksum(source->get())) store_checksum_xattr(temp->fd(), *sum);
  if (auto props = copy_property_xattr(source->get(), temp->fd()); !props) return props;
  auto committed = temp->commit(replace ? 0U : static_cast<unsigned>(RENAME_NOREPLACE));
  if (!committed && committed.error().code == Errc::already_exists) {
    return make_error(Errc::already_exists, fmt::format("'{}' exists", shown));
  }
  return committed;
}

Status copy_directory(int from_dir, const std::string& from_name, int to_dir,
                      const std::string& to_name, bool replace, std::string_view shown) {
  if (auto ok = check_target(to_dir, to_name, true, replace, shown); !ok) return ok;
  if (::mkdirat(to_dir, to_name.c_str(), 0755) != 0 && errno != EEXIST) {
    return error_from_errno(errno, fmt::format("create folder '{}'", shown));
  }
  auto source = open_directory_beneath(from_dir, from_name);
  if (!source) return std::move(source).error();
  auto target = open_directory_beneath(to_dir, to_name);
  if (!target) return std::move(target).error();
  auto names = read_directory(target->get());
  if (!names) return std::move(names).error();
  for (const auto& entry : *names) {
    if (validate_name(entry.name)) {
      return make_error(Errc::not_empty, fmt::format("'{}' is not empty", shown));
    }
  }
  names = read_directory(source->get());
  if (!names) return std::move(names).error();
  for (const auto& entry : *names) {
    if (!validate_name(entry.name)) continue;  // partials, temp files, unaddressable names
    auto copied = copy_entry(source->get(), entry.name, target->get(), entry.name, false,
                             child(shown, entry.name));
    if (!copied && copied.error().code != Errc::not_found) return copied;  // not_found: gone
  }
  // The folder's own properties: the destination was replaced, so it has the source's only.
  if (auto props = copy_property_xattr(source->get(), target->get()); !props) return props;
  if (auto synced = fsync_directory(target->get()); !synced) return synced;
  return fsync_directory(to_dir);
}

}  // namespace

Status remove_entry_tree(int dirfd, const std::string& name, std::string_view shown) {
  auto st = stat_entry(dirfd, name);
  if (!st) return std::move(st).error();
  if (S_ISDIR(st->st_mode)) {
    auto folder = open_directory_beneath(dirfd, name);
    if (!folder) return std::move(folder).error();
    if (auto cleared = clear_directory(folder->get(), shown); !cleared) return cleared;
  }
  if (::unlinkat(dirfd, name.c_str(), S_ISDIR(st->st_mode) ? AT_REMOVEDIR : 0) != 0) {
    return error_from_errno(errno, fmt::format("remove '{}'", shown));
  }
  return {};
}

Status copy_entry(int from_dir, const std::string& from_name, int to_dir,
                  const std::string& to_name, bool replace, std::string_view shown) {
  auto st = stat_entry(from_dir, from_name);
  if (!st) return std::move(st).error();
  if (S_ISDIR(st->st_mode)) {
    return copy_directory(from_dir, from_name, to_dir, to_name, replace, shown);
  }
  if (S_ISREG(st->st_mode)) return copy_file(from_dir, from_name, to_dir, to_name, replace, shown);
  return {};  // a symlink or special file is never copied
}

}  // namespace netdisk::storage

namespace netdisk::storage {

// Relative paths from `dirfd`, each folder opened afresh beneath it, so that one folder
// descriptor is open at a time however deep the tree (as sweep_reserved_files() walks).
Result<std::uint64_t> entry_tree_bytes(int dirfd, const std::string& name) {
  auto top = stat_entry(dirfd, name);
  if (!top) return std::move(top).error();
  if (!S_ISDIR(top->st_mode)) {
    return S_ISREG(top->st_mode) ? static_cast<std::uint64_t>(top->st_size) : 0;
  }
  std::uint64_t bytes = 0;
  std::vector<std::string> pending{name};
  while (!pending.empty()) {
    std::string relative = std::move(pending.back());
    pending.pop_back();
    auto dir = open_directory_beneath(dirfd, relative);
    if (!dir) continue;
    auto names = read_directory(dir->get());
    if (!names) continue;
    for (const auto& entry : *names) {
      auto st = stat_entry(dir->get(), entry.name);
      if (!st) continue;
      if (S_ISDIR(st->st_mode)) pending.push_back(relative + "/" + entry.name);
      if (S_ISREG(st->st_mode)) bytes += static_cast<std::uint64_t>(st->st_size);
    }
  }
  return bytes;
}

}  // namespace netdisk::storage
