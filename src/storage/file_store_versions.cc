// FileStore's versions: <root>/.netdisk-versions/<key>/<id>, <key> the XXH3-128 of the client
// path, <id> the replacement time in nanoseconds as 20 digits (names sort by age). A version
// is the replaced inode itself: keep_version() hard-links it there (fsynced) while the caller
// holds the name's NameLock and before the new content is renamed over the name, so a crash
// leaves the old content at the name or among the versions, never nowhere. No bytes copied.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include <fmt/format.h>

#include "storage/atomic_file.h"
#include "storage/checksum.h"
#include "storage/confined_open.h"
#include "storage/file_store.h"
#include "storage/name_lock.h"
#include "storage/property_xattr.h"
#include "storage/safe_path.h"

namespace netdisk::storage {
namespace {

constexpr std::size_t kIdDigits = 20;

std::string path_key(std::string_view path) {
  Xxh3Hasher hasher;
  hasher.update(std::as_bytes(std::span(path.data(), path.size())));
  return hasher.hex_digest();
}

std::string version_id(std::int64_t time_ns) {
  return fmt::format("{:0{}}", std::max<std::int64_t>(time_ns, 0), kIdDigits);
}

bool is_version_id(std::string_view id) {
  return id.size() == kIdDigits &&
         std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Error no_version(std::string_view path, std::string_view id) {
  return make_error(Errc::not_found, fmt::format("'{}' has no version '{}'", path, id));
}

// The version ids in `key_dir`, oldest first.
Result<std::vector<std::string>> version_ids(int key_dir) {
  auto names = read_directory(key_dir);
  if (!names) return std::move(names).error();
  std::vector<std::string> ids;
  for (auto& name : *names) {
    if (is_version_id(name.name)) ids.push_back(std::move(name.name));
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::int64_t time_of(const std::string& id) { return std::stoll(id); }

// Unlinks version `id` of `key_dir`, adding what it held to `freed`.
void drop_version(int key_dir, const std::string& id, Freed& freed) {
  auto st = stat_entry(key_dir, id);
  if (::unlinkat(key_dir, id.c_str(), 0) != 0) return;
  freed.entries += 1;
  if (st) freed.bytes += static_cast<std::uint64_t>(st->st_size);
}

// Keeps the newest `keep` and none older than `cutoff_ns` (0: no age limit) in one key's folder.
Status prune_key(int versions, const std::string& key, std::size_t keep, std::int64_t cutoff_ns,
                 Freed& freed) {
  auto dir = open_directory_beneath(versions, key);
  if (!dir) return std::move(dir).error();
  auto ids = version_ids(dir->get());
  if (!ids) return std::move(ids).error();
  std::size_t count = ids->size();
  for (std::size_t i = 0; i < count; ++i) {
    const std::string& id = (*ids)[i];
    bool beyond = count - i > keep;
    bool too_old = cutoff_ns > 0 && time_of(id) < cutoff_ns;
    if (beyond || too_old) drop_version(dir->get(), id, freed);
  }
  if (::unlinkat(versions, key.c_str(), AT_REMOVEDIR) == 0) return {};  // emptied: gone
  return fsync_directory(dir->get());
}

Result<std::vector<std::string>> key_names(int versions) {
  auto names = read_directory(versions);
  if (!names) return std::move(names).error();
  std::vector<std::string> keys;
  for (auto& name : *names) {
    if (is_checksum_hex(name.name)) keys.push_back(std::move(name.name));
  }
  return keys;
}

// One try at linking `name` of `dirfd` into the key's folder (made if missing) under a free id.
// not_found when the folder vanished on the way (a concurrent prune emptied and removed it).
Status link_version(int dirfd, const std::string& name, int versions, const std::string& key,
                    std::int64_t now_ns) {
  if (::mkdirat(versions, key.c_str(), 0700) == 0) {
    if (auto synced = fsync_directory(versions); !synced) return synced;
  } else if (errno != EEXIST) {
    return error_from_errno(errno, "create a versions folder");
  }
  auto key_dir = open_directory_beneath(versions, key);
  if (!key_dir) return std::move(key_dir).error();
  // Two replacements in the same nanosecond (a coarse clock): the later takes the next id.
  for (std::int64_t time = now_ns; time < now_ns + 1000; ++time) {
    std::string id = version_id(time);
    if (::linkat(dirfd, name.c_str(), key_dir->get(), id.c_str(), 0) == 0) {
      return fsync_directory(key_dir->get());
    }
    int error = errno;
    if (error == ENOENT && ::faccessat(dirfd, name.c_str(), F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
      return make_error(Errc::not_found, "the versions folder was removed meanwhile");
    }
    if (error != EEXIST) return error_from_errno(error, "keep the previous version");
  }
  return make_error(Errc::io_error, "no free version name");
}

}  // namespace

Status FileStore::keep_version(int dirfd, const std::string& name, std::string_view path,
                               std::int64_t now_ns) const {
  auto st = stat_entry(dirfd, name);
  if (!st) return st.error().code == Errc::not_found ? Status{} : Status(std::move(st).error());
  if (!S_ISREG(st->st_mode)) return {};
  auto versions = open_reserved(kVersionsFolder, true);
  if (!versions) return std::move(versions).error();
  // The prune after another commit of this path runs outside the name's lock and removes the
  // key's folder once it is empty, possibly between our mkdir and our link: a link into a
  // removed folder fails with ENOENT, and the folder is made again. Once our link is in, the
  // folder is not empty and stays.
  for (int attempt = 0; attempt < 8; ++attempt) {
    auto linked = link_version(dirfd, name, versions->get(), path_key(path), now_ns);
    if (linked || linked.error().code != Errc::not_found) return linked;
  }
  return make_error(Errc::io_error, "the versions folder kept disappearing");
}

Result<std::vector<VersionEntry>> FileStore::list_versions(std::string_view path) const {
  auto components = split_user_path(path);
  if (!components) return std::move(components).error();
  std::vector<VersionEntry> entries;
  auto versions = open_reserved(kVersionsFolder, false);
  if (!versions && versions.error().code == Errc::not_found) return entries;
  if (!versions) return std::move(versions).error();
  auto dir = open_directory_beneath(versions->get(), path_key(join_components(*components)));
  if (!dir && dir.error().code == Errc::not_found) return entries;
  if (!dir) return std::move(dir).error();
  auto ids = version_ids(dir->get());
  if (!ids) return std::move(ids).error();
  for (auto it = ids->rbegin(); it != ids->rend(); ++it) {
    auto file = open_regular_beneath(dir->get(), *it, O_RDONLY);
    if (!file) continue;  // pruned meanwhile
    struct ::stat st {};
    if (::fstat(file->get(), &st) != 0) continue;
    auto sum = whole_file_checksum(file->get());
    if (!sum) return std::move(sum).error();
    entries.push_back(
        VersionEntry{*it, time_of(*it), static_cast<std::uint64_t>(st.st_size), std::move(*sum)});
  }
  return entries;
}

Result<std::string> FileStore::restore_version(std::string_view path, std::string_view id,
                                               std::int64_t now_ns) {
  auto components = split_user_path(path);
  if (!components) return std::move(components).error();
  if (!is_version_id(id)) return no_version(path, id);
  std::string shown = join_components(*components);
  auto versions = open_reserved(kVersionsFolder, false);
  if (!versions) return no_version(path, id);
  auto key_dir = open_directory_beneath(versions->get(), path_key(shown));
  if (!key_dir) return no_version(path, id);
  auto version = open_regular_beneath(key_dir->get(), std::string(id), O_RDONLY);
  if (!version) return no_version(path, id);
  auto parent = open_parent(*components);
  if (!parent) return std::move(parent).error();
  int dirfd = parent->dir.get();
  NameLock lock(dirfd, parent->name);
  auto current = stat_entry(dirfd, parent->name);
  if (current && S_ISDIR(current->st_mode)) {
    return make_error(Errc::is_a_directory, fmt::format("'{}' is a folder", path));
  }
  if (auto kept = keep_version(dirfd, parent->name, shown, now_ns); !kept) {
    return std::move(kept).error();
  }
  if (auto carried = carry_property_xattr(dirfd, parent->name, version->get()); !carried) {
    return std::move(carried).error();
  }
  if (::renameat(key_dir->get(), std::string(id).c_str(), dirfd, parent->name.c_str()) != 0) {
    return error_from_errno(errno, fmt::format("restore a version of '{}'", path));
  }
  if (auto synced = fsync_directory(dirfd); !synced) return std::move(synced).error();
  (void)fsync_directory(key_dir->get());
  struct ::stat st {};
  if (::fstat(version->get(), &st) != 0) return error_from_errno(errno, "stat restored version");
  return version_tag(st);
}

Result<Freed> FileStore::prune_versions(std::optional<std::string_view> path, std::size_t keep,
                                        std::int64_t cutoff_ns) {
  Freed freed;
  auto versions = open_reserved(kVersionsFolder, false);
  if (!versions && versions.error().code == Errc::not_found) return freed;
  if (!versions) return std::move(versions).error();
  std::vector<std::string> keys;
  if (path) {
    auto components = split_user_path(*path);
    if (!components) return std::move(components).error();
    keys.push_back(path_key(join_components(*components)));
  } else {
    auto all = key_names(versions->get());
    if (!all) return std::move(all).error();
    keys = std::move(*all);
  }
  for (const auto& key : keys) {
    auto pruned = prune_key(versions->get(), key, keep, cutoff_ns, freed);
    if (!pruned && pruned.error().code != Errc::not_found) return std::move(pruned).error();
  }
  return freed;
}

Result<Freed> FileStore::drop_oldest_versions(std::uint64_t bytes) {
  Freed freed;
  auto versions = open_reserved(kVersionsFolder, false);
  if (!versions && versions.error().code == Errc::not_found) return freed;
  if (!versions) return std::move(versions).error();
  auto keys = key_names(versions->get());
  if (!keys) return std::move(keys).error();
  std::vector<std::pair<std::string, std::string>> all;  // (id, key): sorts oldest first
  for (const auto& key : *keys) {
    auto dir = open_directory_beneath(versions->get(), key);
    if (!dir) continue;
    auto ids = version_ids(dir->get());
    if (!ids) continue;
    for (auto& id : *ids) all.emplace_back(std::move(id), key);
  }
  std::sort(all.begin(), all.end());
  for (const auto& [id, key] : all) {
    if (freed.bytes >= bytes) break;
    auto dir = open_directory_beneath(versions->get(), key);
    if (!dir) continue;
    drop_version(dir->get(), id, freed);
    (void)fsync_directory(dir->get());
    (void)::unlinkat(versions->get(), key.c_str(), AT_REMOVEDIR);  // only if now empty
  }
  return freed;
}

}  // namespace netdisk::storage
