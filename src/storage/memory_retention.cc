// MemorySpace's trash and versions (user_space.h), with the local backend's rules: a trash
// entry is the removed node itself, detached; a version is the replaced content, shared (no
// copy); ids and ordering as file_store_trash.cc and file_store_versions.cc make them.
#include <algorithm>

#include <fmt/format.h>

#include "storage/checksum.h"
#include "storage/memory_space.h"
#include "storage/memory_tree.h"
#include "storage/safe_path.h"

namespace netdisk::storage {
namespace {

std::string version_id(std::int64_t time_ns) { return fmt::format("{:020}", time_ns); }

std::uint64_t tree_bytes(const MemoryNode& node) {
  if (!node.is_directory) return node.content->size();
  std::uint64_t bytes = 0;
  for (const auto& [name, child] : node.children) bytes += tree_bytes(*child);
  return bytes;
}

std::string checksum_of(const MemoryNode& node) {
  if (node.checksum) return *node.checksum;
  Xxh3Hasher hasher;
  hasher.update(std::as_bytes(std::span(node.content->data(), node.content->size())));
  return hasher.hex_digest();
}

std::int64_t cutoff_of(const Retention& retention) {
  if (retention.version_max_age.count() <= 0) return 0;
  return to_ns(retention.clock() - retention.version_max_age);
}

// Drops beyond the newest `keep` and older than `cutoff_ns` (0: no age limit).
Freed prune_list(std::vector<MemoryVersion>& list, std::size_t keep, std::int64_t cutoff_ns) {
  Freed freed;
  std::size_t count = list.size();
  std::size_t index = 0;
  std::erase_if(list, [&](const MemoryVersion& version) {
    bool drop = count - index++ > keep || (cutoff_ns > 0 && version.time_ns < cutoff_ns);
    if (drop) {
      freed.entries += 1;
      freed.bytes += version.content->size();
    }
    return drop;
  });
  return freed;
}

StorageError no_entry(std::string_view id) {
  return storage_error(StorageErrc::not_found, fmt::format("'{}' is not in the trash", id));
}

}  // namespace

Freed keep_memory_version(MemoryState& state, const std::string& path, const MemoryNode& current) {
  auto& list = state.versions[path];
  std::int64_t time = to_ns(state.retention->clock());
  if (!list.empty() && time <= list.back().time_ns) time = list.back().time_ns + 1;
  list.push_back(MemoryVersion{time, current.content, checksum_of(current)});
  Freed freed = prune_list(list, state.retention->versions_kept, cutoff_of(*state.retention));
  if (list.empty()) state.versions.erase(path);
  return freed;
}

void MemorySpace::set_retention(std::shared_ptr<const Retention> retention) {
  std::lock_guard lock(state_->mutex);
  state_->retention = std::move(retention);
}

StorageResult<TrashEntry> MemorySpace::move_to_trash(std::string_view path,
                                                     const TargetCheck& check) {
  auto components = parse_path(path, false);
  if (!components) return std::move(components).error();
  std::lock_guard lock(state_->mutex);
  auto node = find_node(state_->root, *components, path);
  if (!node) return std::move(node).error();
  if (check) {
    if (auto allowed = check(state_of(*node)); !allowed) return std::move(allowed).error();
  }
  auto parent = find_parent(state_->root, *components);
  auto slot = (*parent)->children.find(components->back());
  std::int64_t now = to_ns(state_->retention->clock());
  TrashEntry entry{fmt::format("{:016x}{:08x}", now, state_->next_trash++),
                   join_components(*components), slot->second->is_directory,
                   tree_bytes(*slot->second), now};
  state_->trash.push_back(MemoryTrashItem{entry, std::move(slot->second)});
  (*parent)->children.erase(slot);
  return entry;
}

StorageResult<std::vector<TrashEntry>> MemorySpace::list_trash() const {
  std::lock_guard lock(state_->mutex);
  std::vector<TrashEntry> entries;
  for (auto it = state_->trash.rbegin(); it != state_->trash.rend(); ++it) {
    entries.push_back(it->entry);
  }
  return entries;
}

StorageResult<std::string> MemorySpace::restore_from_trash(std::string_view id,
                                                           std::optional<std::string> to) {
  std::lock_guard lock(state_->mutex);
  auto item = std::find_if(state_->trash.begin(), state_->trash.end(),
                           [id](const MemoryTrashItem& each) { return each.entry.id == id; });
  if (item == state_->trash.end()) return no_entry(id);
  std::string target = to.value_or(item->entry.original_path);
  auto components = parse_path(target, false);
  if (!components) return std::move(components).error();
  MemoryNode* dir = &state_->root;
  for (std::size_t i = 0; i + 1 < components->size(); ++i) {
    auto& slot = dir->children[(*components)[i]];
    if (!slot) {
      slot = std::make_unique<MemoryNode>();
      slot->is_directory = true;
      slot->mtime_ns = now_ns();
    }
    if (!slot->is_directory) {
      return storage_error(StorageErrc::not_a_directory,
                           fmt::format("'{}' is not a folder", (*components)[i]));
    }
    dir = slot.get();
  }
  if (dir->children.contains(components->back())) {
    return storage_error(StorageErrc::exists,
                         fmt::format("'{}' exists; restore it under another name", target));
  }
  dir->children[components->back()] = std::move(item->node);
  state_->trash.erase(item);
  return join_components(*components);
}

StorageResult<Freed> MemorySpace::delete_from_trash(std::optional<std::string> id) {
  std::lock_guard lock(state_->mutex);
  Freed freed;
  std::size_t before = state_->trash.size();
  std::erase_if(state_->trash, [&](const MemoryTrashItem& item) {
    if (id && item.entry.id != *id) return false;
    freed += Freed{1, item.entry.size};
    return true;
  });
  if (id && before == state_->trash.size()) return no_entry(*id);
  return freed;
}

StorageResult<Freed> MemorySpace::purge_trash(std::chrono::system_clock::time_point cutoff) {
  std::lock_guard lock(state_->mutex);
  Freed freed;
  std::erase_if(state_->trash, [&](const MemoryTrashItem& item) {
    if (item.entry.removed_ns >= to_ns(cutoff)) return false;
    freed += Freed{1, item.entry.size};
    return true;
  });
  return freed;
}

StorageResult<std::vector<VersionEntry>> MemorySpace::list_versions(std::string_view path) const {
  auto components = parse_path(path, false);
  if (!components) return std::move(components).error();
  std::lock_guard lock(state_->mutex);
  std::vector<VersionEntry> entries;
  auto it = state_->versions.find(join_components(*components));
  if (it == state_->versions.end()) return entries;
  for (auto v = it->second.rbegin(); v != it->second.rend(); ++v) {
    entries.push_back(
        VersionEntry{version_id(v->time_ns), v->time_ns, v->content->size(), v->checksum});
  }
  return entries;
}

StorageResult<Published> MemorySpace::restore_version(std::string_view path, std::string_view id) {
  auto components = parse_path(path, false);
  if (!components) return std::move(components).error();
  std::lock_guard lock(state_->mutex);
  std::string key = join_components(*components);
  auto missing =
      storage_error(StorageErrc::not_found, fmt::format("'{}' has no version '{}'", path, id));
  auto list = state_->versions.find(key);
  if (list == state_->versions.end()) return missing;
  auto chosen = std::find_if(list->second.begin(), list->second.end(),
                             [id](const auto& v) { return version_id(v.time_ns) == id; });
  if (chosen == list->second.end()) return missing;
  auto parent = find_parent(state_->root, *components);
  if (!parent) return std::move(parent).error();
  auto& slot = (*parent)->children[components->back()];
  if (slot && slot->is_directory) {
    return storage_error(StorageErrc::is_a_directory, fmt::format("'{}' is a folder", path));
  }
  MemoryVersion restored = std::move(*chosen);
  list->second.erase(chosen);
  Freed freed;
  auto node = std::make_unique<MemoryNode>();
  if (slot) {
    node->properties = slot->properties;
    freed = keep_memory_version(*state_, key, *slot);
  }
  node->content = restored.content;
  node->checksum = restored.checksum;
  node->version = state_->new_version();
  node->mtime_ns = now_ns();
  Published published{node->version, node->checksum, freed};
  slot = std::move(node);
  return published;
}

StorageResult<Freed> MemorySpace::prune_versions(std::size_t keep,
                                                 std::chrono::system_clock::time_point cutoff) {
  std::lock_guard lock(state_->mutex);
  Freed freed;
  for (auto& [path, list] : state_->versions) freed += prune_list(list, keep, to_ns(cutoff));
  std::erase_if(state_->versions, [](const auto& item) { return item.second.empty(); });
  return freed;
}

StorageResult<Freed> MemorySpace::drop_oldest_versions(std::uint64_t bytes) {
  std::lock_guard lock(state_->mutex);
  Freed freed;
  while (freed.bytes < bytes) {
    std::vector<MemoryVersion>* oldest = nullptr;
    for (auto& [path, list] : state_->versions) {
      if (!list.empty() && (oldest == nullptr || list.front().time_ns < oldest->front().time_ns)) {
        oldest = &list;
      }
    }
    if (oldest == nullptr) break;
    freed += Freed{1, oldest->front().content->size()};
    oldest->erase(oldest->begin());
  }
  std::erase_if(state_->versions, [](const auto& item) { return item.second.empty(); });
  return freed;
}

void MemoryBackend::set_retention(Retention retention) {
  std::lock_guard lock(mutex_);
  retention_ = std::make_shared<const Retention>(std::move(retention));
  for (auto& [name, space] : spaces_) space->set_retention(retention_);
}

StorageResult<std::vector<Backend::UserFreed>> MemoryBackend::purge_expired(
    std::chrono::seconds trash_max_age) {
  std::lock_guard lock(mutex_);
  std::vector<UserFreed> purged;
  for (auto& [name, space] : spaces_) {
    UserFreed user{name, {}};
    auto trash = space->purge_trash(retention_->clock() - trash_max_age);
    if (trash) user.freed += *trash;
    auto cutoff =
        std::chrono::system_clock::time_point(std::chrono::nanoseconds(cutoff_of(*retention_)));
    auto versions = space->prune_versions(retention_->versions_kept, cutoff);
    if (versions) user.freed += *versions;
    if (user.freed.entries > 0) purged.push_back(std::move(user));
  }
  return purged;
}

}  // namespace netdisk::storage
