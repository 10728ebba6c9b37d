// FileStore's trash: <root>/.netdisk-trash/<id>/info (original path, kind, size, removal
// time; written atomically first) and <id>/item (the removed file or folder, renamed there
// under its NameLock). Nothing is copied: a crash leaves the entry at its name or in the
// trash, and an entry left without `item` is skipped by listings and removed by a purge.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>

#include <fmt/format.h>

#include "storage/atomic_file.h"
#include "storage/confined_open.h"
#include "storage/errc_bridge.h"
#include "storage/file_store.h"
#include "storage/name_lock.h"
#include "storage/safe_path.h"
#include "storage/tree_ops.h"

namespace netdisk::storage {
namespace {

constexpr std::string_view kInfoName = "info";
constexpr std::string_view kItemName = "item";
constexpr std::string_view kInfoMagic = "netdisk-trash 1";

// "netdisk-trash 1\n<removed_ns>\n<0|1 folder>\n<size>\n<original path>\n": a path holds no
// control characters (safe_path.h), so lines are unambiguous.
std::string format_info(const TrashEntry& entry) {
  return fmt::format("{}\n{}\n{}\n{}\n{}\n", kInfoMagic, entry.removed_ns,
                     entry.is_directory ? 1 : 0, entry.size, entry.original_path);
}

template <typename T>
bool parse_number(std::string_view text, T& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

std::optional<TrashEntry> parse_info(std::string id, std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    auto end = text.find('\n');
    if (end == std::string_view::npos) return std::nullopt;
    lines.push_back(text.substr(0, end));
    text.remove_prefix(end + 1);
  }
  if (lines.size() != 5 || lines[0] != kInfoMagic) return std::nullopt;
  TrashEntry entry;
  entry.id = std::move(id);
  int folder = 0;
  if (!parse_number(lines[1], entry.removed_ns) || !parse_number(lines[2], folder) ||
      !parse_number(lines[3], entry.size)) {
    return std::nullopt;
  }
  entry.is_directory = folder == 1;
  entry.original_path = std::string(lines[4]);
  if (!split_user_path(entry.original_path)) return std::nullopt;
  return entry;
}

Result<std::string> read_small_file(int dirfd, std::string_view name) {
  auto file = open_regular_beneath(dirfd, std::string(name), O_RDONLY);
  if (!file) return std::move(file).error();
  std::string text(8192, '\0');
  ssize_t got = ::pread(file->get(), text.data(), text.size(), 0);
  if (got < 0) return error_from_errno(errno, "read trash entry");
  text.resize(static_cast<std::size_t>(got));
  return text;
}

// The entry `id` of the trash folder `trash`, if it is whole (info readable, item present).
std::optional<TrashEntry> read_entry(int trash, const std::string& id) {
  auto dir = open_directory_beneath(trash, id);
  if (!dir) return std::nullopt;
  auto info = read_small_file(dir->get(), kInfoName);
  if (!info) return std::nullopt;
  if (!stat_entry(dir->get(), std::string(kItemName))) return std::nullopt;
  return parse_info(id, *info);
}

// A trash id names one folder of the trash: letters and digits only, so never a path.
bool is_trash_id(std::string_view id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c));
  });
}

Error no_entry(std::string_view id) {
  return make_error(Errc::not_found, fmt::format("'{}' is not in the trash", id));
}

// Deletes entry `id` (whole or not) and returns what it held.
Result<Freed> delete_entry(int trash, const std::string& id) {
  Freed freed;
  if (auto entry = read_entry(trash, id)) {
    freed.entries = 1;
    freed.bytes = entry->size;
  }
  if (auto removed = remove_entry_tree(trash, id, "trash entry"); !removed) {
    return std::move(removed).error();
  }
  return freed;
}

Result<std::vector<std::string>> entry_ids(int trash) {
  auto names = read_directory(trash);
  if (!names) return std::move(names).error();
  std::vector<std::string> ids;
  for (auto& name : *names) {
    if (is_trash_id(name.name)) ids.push_back(std::move(name.name));
  }
  return ids;
}

}  // namespace

Result<UniqueFd> FileStore::open_reserved(std::string_view name, bool create) const {
  std::string folder(name);
  if (create) {
    if (::mkdirat(root_.get(), folder.c_str(), 0700) == 0) {
      auto root = open_directory_beneath(root_.get(), ".");
      if (!root) return std::move(root).error();
      if (auto synced = fsync_directory(root->get()); !synced) return std::move(synced).error();
    } else if (errno != EEXIST) {
      return error_from_errno(errno, "create a reserved folder");
    }
  }
  return open_directory_beneath(root_.get(), folder);
}

Result<TrashEntry> FileStore::move_to_trash(std::string_view path, const TargetCheck& check,
                                            std::int64_t now_ns) {
  auto components = split_user_path(path);
  if (!components) return std::move(components).error();
  auto parent = open_parent(*components);
  if (!parent) return std::move(parent).error();
  auto trash = open_reserved(kTrashFolder, true);
  if (!trash) return std::move(trash).error();
  TrashEntry entry{fmt::format("{:016x}{}", now_ns, random_name_suffix().substr(0, 8)),
                   join_components(*components), false, 0, now_ns};
  if (::mkdirat(trash->get(), entry.id.c_str(), 0700) != 0) {
    return error_from_errno(errno, "create a trash entry");
  }
  auto made = open_directory_beneath(trash->get(), entry.id);
  if (!made) return std::move(made).error();
  int dirfd = parent->dir.get();
  NameLock lock(dirfd, parent->name);
  auto moved = [&]() -> Status {
    auto st = stat_entry(dirfd, parent->name);
    if (!st) return std::move(st).error();
    if (!is_servable(*st)) return make_error(Errc::invalid_path, "not a regular file or folder");
    if (check) {
      auto state = storage::target_state(dirfd, parent->name);
      if (!state) return std::move(state).error();
      if (auto allowed = check(*state); !allowed) return errc_error_of(allowed.error());
    }
    entry.is_directory = S_ISDIR(st->st_mode);
    auto bytes = entry_tree_bytes(dirfd, parent->name);
    if (!bytes) return std::move(bytes).error();
    entry.size = *bytes;
    auto info = AtomicFile::create(made->get(), std::string(kInfoName), 0600);
    if (!info) return std::move(info).error();
    std::string text = format_info(entry);
    if (auto written = info->write(std::as_bytes(std::span(text))); !written) return written;
    if (auto committed = info->commit(); !committed) return committed;
    if (::renameat(dirfd, parent->name.c_str(), made->get(), kItemName.data()) != 0) {
      return error_from_errno(errno, fmt::format("move '{}' to the trash", path));
    }
    if (auto synced = fsync_directory(made->get()); !synced) return synced;
    return fsync_directory(dirfd);
  }();
  if (!moved) {
    (void)remove_entry_tree(trash->get(), entry.id, "trash entry");
    if (moved.error().code == Errc::not_found) {
      return make_error(Errc::not_found, fmt::format("'{}' does not exist", path));
    }
    return std::move(moved).error();
  }
  return entry;
}

Result<std::vector<TrashEntry>> FileStore::list_trash() const {
  auto trash = open_reserved(kTrashFolder, false);
  if (!trash && trash.error().code == Errc::not_found) return std::vector<TrashEntry>{};
  if (!trash) return std::move(trash).error();
  auto ids = entry_ids(trash->get());
  if (!ids) return std::move(ids).error();
  std::vector<TrashEntry> entries;
  for (const auto& id : *ids) {
    if (auto entry = read_entry(trash->get(), id)) entries.push_back(std::move(*entry));
  }
  std::sort(entries.begin(), entries.end(), [](const TrashEntry& a, const TrashEntry& b) {
    return a.removed_ns != b.removed_ns ? a.removed_ns > b.removed_ns : a.id > b.id;
  });
  return entries;
}

Result<std::string> FileStore::restore_from_trash(std::string_view id,
                                                  std::optional<std::string> to) {
  if (!is_trash_id(id)) return no_entry(id);
  auto trash = open_reserved(kTrashFolder, false);
  if (!trash && trash.error().code == Errc::not_found) return no_entry(id);
  if (!trash) return std::move(trash).error();
  auto entry = read_entry(trash->get(), std::string(id));
  if (!entry) return no_entry(id);
  std::string target = to.value_or(entry->original_path);
  auto components = split_user_path(target);
  if (!components) return std::move(components).error();
  if (components->size() > 1) {
    std::vector<std::string> folders(components->begin(), components->end() - 1);
    if (auto made = make_directories(folders); !made) return std::move(made).error();
  }
  auto parent = open_parent(*components);
  if (!parent) return std::move(parent).error();
  auto folder = open_directory_beneath(trash->get(), std::string(id));
  if (!folder) return no_entry(id);
  {
    NameLock lock(parent->dir.get(), parent->name);
    if (::renameat2(folder->get(), kItemName.data(), parent->dir.get(), parent->name.c_str(),
                    RENAME_NOREPLACE) != 0) {
      if (errno == EEXIST) {
        return make_error(Errc::already_exists,
                          fmt::format("'{}' exists; restore it under another name", target));
      }
      return error_from_errno(errno, fmt::format("restore '{}'", target));
    }
    if (auto synced = fsync_directory(parent->dir.get()); !synced) return std::move(synced).error();
  }
  (void)remove_entry_tree(trash->get(), std::string(id), "trash entry");
  return target;
}

Result<Freed> FileStore::delete_from_trash(std::optional<std::string> id) {
  if (id && !is_trash_id(*id)) return no_entry(*id);
  auto trash = open_reserved(kTrashFolder, false);
  if (!trash && trash.error().code == Errc::not_found) {
    if (id) return no_entry(*id);
    return Freed{};
  }
  if (!trash) return std::move(trash).error();
  if (id) {
    if (!read_entry(trash->get(), *id)) return no_entry(*id);
    auto freed = delete_entry(trash->get(), *id);
    if (freed) (void)fsync_directory(trash->get());
    return freed;
  }
  auto ids = entry_ids(trash->get());
  if (!ids) return std::move(ids).error();
  Freed freed;
  for (const auto& each : *ids) {
    auto one = delete_entry(trash->get(), each);
    if (!one) return std::move(one).error();
    freed += *one;
  }
  (void)fsync_directory(trash->get());
  return freed;
}

Result<Freed> FileStore::purge_trash(std::int64_t cutoff_ns) {
  auto trash = open_reserved(kTrashFolder, false);
  if (!trash && trash.error().code == Errc::not_found) return Freed{};
  if (!trash) return std::move(trash).error();
  auto ids = entry_ids(trash->get());
  if (!ids) return std::move(ids).error();
  Freed freed;
  for (const auto& id : *ids) {
    auto entry = read_entry(trash->get(), id);
    // A broken entry (a crash between its two steps) is dated by its id.
    std::int64_t removed_ns = 0;
    if (entry) {
      removed_ns = entry->removed_ns;
    } else {
      std::uint64_t stamp = 0;
      auto [end, ec] =
          std::from_chars(id.data(), id.data() + std::min<std::size_t>(16, id.size()), stamp, 16);
      (void)end;
      if (ec != std::errc()) continue;
      removed_ns = static_cast<std::int64_t>(stamp);
    }
    if (removed_ns >= cutoff_ns) continue;
    auto one = delete_entry(trash->get(), id);
    if (!one) return std::move(one).error();
    freed += *one;
  }
  if (freed.entries > 0) (void)fsync_directory(trash->get());
  return freed;
}

}  // namespace netdisk::storage
