#include "storage/partial_uploads.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <cerrno>
#include <ctime>
#include <vector>

#include <fmt/format.h>

#include "storage/atomic_file.h"
#include "storage/checksum.h"
#include "storage/confined_open.h"
#include "storage/safe_path.h"

namespace netdisk::storage {
namespace {

std::span<const std::byte> as_bytes(std::string_view text) {
  return std::as_bytes(std::span(text.data(), text.size()));
}

bool older_than(const struct ::stat& st, std::chrono::seconds max_age) {
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME, &now);
  return now.tv_sec - st.st_mtim.tv_sec > max_age.count();
}

bool same_inode(const struct ::stat& a, const struct ::stat& b) {
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

}  // namespace

std::string resumable_partial_name(std::string_view target_name, std::uint64_t size,
                                   std::string_view content_hash) {
  // NUL cannot occur in a valid name, so the fields cannot run into each other.
  Xxh3Hasher hasher;
  hasher.update(as_bytes(target_name));
  hasher.update(as_bytes(std::string_view("\0", 1)));
  hasher.update(as_bytes(fmt::format("{}", size)));
  hasher.update(as_bytes(std::string_view("\0", 1)));
  hasher.update(as_bytes(content_hash));
  return fmt::format("{}{}", kPartialPrefix, hasher.hex_digest());
}

std::string random_partial_name() {
  return fmt::format("{}{}", kPartialPrefix, random_name_suffix());
}

Result<bool> remove_idle_reserved_file(int dirfd, const std::string& name,
                                       std::optional<std::chrono::seconds> max_age,
                                       std::uint64_t* removed_bytes) {
  auto file = open_beneath(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
  if (!file) return std::move(file).error();
  struct ::stat st {};
  if (::fstat(file->get(), &st) != 0) return error_from_errno(errno, "stat partial upload");
  if (!S_ISREG(st.st_mode)) return false;  // not ours: we only ever create regular files
  while (::flock(file->get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno == EINTR) continue;
    if (errno == EWOULDBLOCK) return false;  // an Upload is using it
    return error_from_errno(errno, "lock partial upload");
  }
  // Age counts from the last activity, which a begin_upload() may just have recorded.
  if (::fstat(file->get(), &st) != 0) return error_from_errno(errno, "stat partial upload");
  if (max_age && !older_than(st, *max_age)) return false;
  // Holding the lock, make sure the name still means the file we locked: an Upload may have
  // committed it, or removed it and started a new one under the same name.
  auto current = stat_entry(dirfd, name);
  if (!current || !same_inode(*current, st)) return false;
  if (::unlinkat(dirfd, name.c_str(), 0) != 0) {
    if (errno == ENOENT) return false;
    return error_from_errno(errno, "remove partial upload");
  }
  if (removed_bytes) *removed_bytes += static_cast<std::uint64_t>(st.st_size);
  return true;
}

Result<bool> clear_reserved_entries(int dirfd) {
  auto names = read_directory(dirfd);
  if (!names) return std::move(names).error();
  for (const auto& entry : *names) {
    if (!is_reserved_name(entry.name)) return false;
  }
  bool all_removed = true;
  for (const auto& entry : *names) {
    auto removed = remove_idle_reserved_file(dirfd, entry.name, std::nullopt);
    if (!removed && removed.error().code != Errc::not_found) return std::move(removed).error();
    if (removed.ok() && !*removed) all_removed = false;
  }
  return all_removed;
}

Result<std::size_t> sweep_reserved_files(const std::filesystem::path& root,
                                         std::chrono::seconds max_age, std::uint64_t* freed_bytes) {
  UniqueFd root_fd(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!root_fd) return error_from_errno(errno, fmt::format("open '{}'", root.string()));
  // Depth-first over relative paths, each folder opened beneath the root afresh, so that only
  // one folder descriptor is open at a time however deep the tree is.
  std::vector<std::string> pending{"."};
  std::size_t removed = 0;
  while (!pending.empty()) {
    std::string relative = std::move(pending.back());
    pending.pop_back();
    auto dir = open_directory_beneath(root_fd.get(), relative);
    if (!dir) continue;  // removed meanwhile, or too deep for a path: skip it
    auto names = read_directory(dir->get());
    if (!names) continue;
    for (const auto& entry : *names) {
      if (is_reserved_name(entry.name)) {
        auto gone = remove_idle_reserved_file(dir->get(), entry.name, max_age, freed_bytes);
        if (gone.ok() && *gone) ++removed;
        continue;
      }
      bool is_dir = entry.type == DT_DIR;
      if (entry.type == DT_UNKNOWN) {
        auto st = stat_entry(dir->get(), entry.name);
        is_dir = st.ok() && S_ISDIR(st->st_mode);
      }
      if (is_dir) pending.push_back(relative == "." ? entry.name : relative + "/" + entry.name);
    }
  }
  return removed;
}

}  // namespace netdisk::storage
