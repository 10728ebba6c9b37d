#include "storage/memory_space.h"

#include <fmt/format.h>

#include "storage/checksum.h"
#include "storage/memory_tree.h"

namespace netdisk::storage {
namespace {

DirEntry entry_of(std::string name, const MemoryNode& node) {
  return DirEntry{std::move(name), node.is_directory,
                  node.is_directory ? 0 : static_cast<std::uint64_t>(node.content->size()),
                  node.mtime_ns, node.is_directory ? std::string() : node.version};
}

// Drops the idle partials of uploads into `dir` or below; false (nothing dropped) if a live
// upload writes into it.
bool clear_partials_under(MemoryState& state, const Components& dir, bool even_live) {
  for (const auto& [key, partial] : state.partials) {
    if (partial.held && !even_live && is_inside(partial.target, dir)) return false;
  }
  std::erase_if(state.partials,
                [&dir](const auto& item) { return is_inside(item.second.target, dir); });
  return true;
}

// The kinds must agree when `to` is taken, as for the local backend.
StorageStatus check_replace(const MemoryNode& source, const MemoryNode& target, bool replace,
                            std::string_view to) {
  if (!replace) return storage_error(StorageErrc::exists, fmt::format("'{}' exists", to));
  if (target.is_directory && !source.is_directory) {
    return storage_error(StorageErrc::is_a_directory, fmt::format("'{}' is a folder", to));
  }
  if (!target.is_directory && source.is_directory) {
    return storage_error(StorageErrc::not_a_directory, fmt::format("'{}' is not a folder", to));
  }
  if (target.is_directory && !target.children.empty()) {
    return storage_error(StorageErrc::not_empty, fmt::format("'{}' is not empty", to));
  }
  return {};
}

}  // namespace

MemorySpace::MemorySpace(std::shared_ptr<FaultPlan> faults)
    : state_(std::make_shared<MemoryState>(std::move(faults))) {}

MemorySpace::~MemorySpace() = default;

StorageResult<std::vector<DirEntry>> MemorySpace::list(std::string_view dir, std::string_view after,
                                                       std::size_t limit) const {
  auto path = parse_path(dir, true);
  if (!path) return std::move(path).error();
  if (state_->faults->take_list_fault()) {
    return storage_error(StorageErrc::io_error, "list: input/output error (injected)");
  }
  std::lock_guard lock(state_->mutex);
  auto node = find_node(state_->root, *path, dir);
  if (!node) return std::move(node).error();
  if (!(*node)->is_directory) {
    return storage_error(StorageErrc::not_a_directory, fmt::format("'{}' is not a folder", dir));
  }
  std::vector<DirEntry> entries;
  auto& children = (*node)->children;
  for (auto it = children.upper_bound(std::string(after)); it != children.end(); ++it) {
    if (entries.size() >= limit) break;
    entries.push_back(entry_of(it->first, *it->second));
  }
  return entries;
}

StorageResult<DirEntry> MemorySpace::stat(std::string_view path) const {
  auto components = parse_path(path, true);
  if (!components) return std::move(components).error();
  std::lock_guard lock(state_->mutex);
  auto node = find_node(state_->root, *components, path);
  if (!node) return std::move(node).error();
  return entry_of(components->empty() ? "" : components->back(), **node);
}

StorageResult<TargetState> MemorySpace::target_state(std::string_view path) const {
  auto components = parse_path(path, false);
  if (!components) return std::move(components).error();
  std::lock_guard lock(state_->mutex);
  auto parent = find_parent(state_->root, *components);
  if (!parent) return std::move(parent).error();
  auto it = (*parent)->children.find(components->back());
  return state_of(it == (*parent)->children.end() ? nullptr : it->second.get());
}

StorageStatus MemorySpace::make_directory(std::string_view path, bool parents) {
  auto components = parse_path(path, false);
  if (!components) return std::move(components).error();
  std::lock_guard lock(state_->mutex);
  MemoryNode* node = &state_->root;
  for (std::size_t i = 0; i < components->size(); ++i) {
    bool last = i + 1 == components->size();
    auto& slot = node->children[(*components)[i]];
    if (!slot) {
      if (!last && !parents) {
        node->children.erase((*components)[i]);
        return storage_error(StorageErrc::not_found,
                             fmt::format("folder '{}' does not exist", (*components)[i]));
      }
      slot = std::make_unique<MemoryNode>();
      slot->is_directory = true;
      slot->mtime_ns = now_ns();
    } else if (last && !parents) {
      return storage_error(StorageErrc::exists, fmt::format("'{}' exists", path));
    } else if (!slot->is_directory) {
      return storage_error(StorageErrc::not_a_directory,
                           fmt::format("'{}' is not a folder", (*components)[i]));
    }
    node = slot.get();
  }
  return {};
}

StorageStatus MemorySpace::remove(std::string_view path, const TargetCheck& check) {
  auto components = parse_path(path, false);
  if (!components) return std::move(components).error();
  std::lock_guard lock(state_->mutex);
  auto node = find_node(state_->root, *components, path);
  if (!node) return std::move(node).error();
  if (check) {
    if (auto allowed = check(state_of(*node)); !allowed) return allowed;
  }
  if ((*node)->is_directory &&
      (!(*node)->children.empty() || !clear_partials_under(*state_, *components, false))) {
    return storage_error(StorageErrc::not_empty,
                         fmt::format("'{}' is not empty (or an upload into it is running)", path));
  }
  auto parent = find_parent(state_->root, *components);
  (*parent)->children.erase(components->back());
  return {};
}

StorageStatus MemorySpace::remove_tree(std::string_view path) {
  auto components = parse_path(path, false);
  if (!components) return std::move(components).error();
  std::lock_guard lock(state_->mutex);
  auto node = find_node(state_->root, *components, path);
  if (!node) return std::move(node).error();
  clear_partials_under(*state_, *components, true);
  auto parent = find_parent(state_->root, *components);
  (*parent)->children.erase(components->back());
  return {};
}

StorageStatus MemorySpace::rename(std::string_view from, std::string_view to, Replace replace) {
  return move_or_copy(from, to, replace, false);
}

StorageStatus MemorySpace::copy(std::string_view from, std::string_view to, Replace replace) {
  return move_or_copy(from, to, replace, true);
}

StorageStatus MemorySpace::move_or_copy(std::string_view from, std::string_view to, Replace replace,
                                        bool keep_source) {
  auto source = parse_path(from, false);
  if (!source) return std::move(source).error();
  auto target = parse_path(to, false);
  if (!target) return std::move(target).error();
  if (is_inside(*target, *source)) {
    return storage_error(StorageErrc::bad_name, fmt::format("cannot move '{}' into itself", from));
  }
  std::lock_guard lock(state_->mutex);
  auto node = find_node(state_->root, *source, from);
  if (!node) return std::move(node).error();
  auto target_parent = find_parent(state_->root, *target);
  if (!target_parent) return std::move(target_parent).error();
  auto& siblings = (*target_parent)->children;
  if (auto it = siblings.find(target->back()); it != siblings.end()) {
    if (replace == Replace::yes && it->second.get() == *node) return {};  // onto itself
    auto allowed = check_replace(**node, *it->second, replace == Replace::yes, to);
    if (!allowed) return allowed;
  }
  if (keep_source) {
    siblings[target->back()] = copy_tree(**node, *state_);
    return {};
  }
  auto source_parent = find_parent(state_->root, *source);
  auto moved = std::move((*source_parent)->children[source->back()]);
  (*source_parent)->children.erase(source->back());
  siblings[target->back()] = std::move(moved);
  return {};
}

StorageResult<UserSpace::Checksum> MemorySpace::checksum(std::string_view path) {
  auto components = parse_path(path, false);
  if (!components) return std::move(components).error();
  std::lock_guard lock(state_->mutex);
  auto node = find_file(state_->root, *components, path);
  if (!node) return std::move(node).error();
  if (!(*node)->checksum) {
    Xxh3Hasher hasher;
    hasher.update(std::as_bytes(std::span((*node)->content->data(), (*node)->content->size())));
    (*node)->checksum = hasher.hex_digest();
  }
  return Checksum{*(*node)->checksum, (*node)->version, (*node)->content->size()};
}

StorageResult<DeadProperties> MemorySpace::properties(std::string_view path) const {
  auto components = parse_path(path, true);
  if (!components) return std::move(components).error();
  std::lock_guard lock(state_->mutex);
  auto node = find_node(state_->root, *components, path);
  if (!node) return std::move(node).error();
  return (*node)->properties;
}

// The new set is computed aside and swapped in last, so a refusal or an injected fault leaves
// the old set whole.
StorageStatus MemorySpace::patch_properties(std::string_view path,
                                            std::span<const PropertyChange> changes) {
  auto components = parse_path(path, true);
  if (!components) return std::move(components).error();
  std::lock_guard lock(state_->mutex);
  auto node = find_node(state_->root, *components, path);
  if (!node) return std::move(node).error();
  auto next = patched((*node)->properties, changes);
  if (!next) return std::move(next).error();
  if (auto fault = state_->faults->take_property_fault()) {
    return storage_error(*fault, "store properties: failed (injected)");
  }
  (*node)->properties = std::move(*next);
  return {};
}

std::size_t MemorySpace::sweep_partial_uploads(std::chrono::seconds max_age,
                                               std::uint64_t& freed_bytes) {
  std::lock_guard lock(state_->mutex);
  auto now = std::chrono::steady_clock::now();
  return std::erase_if(state_->partials, [&](const auto& item) {
    bool idle = !item.second.held && now - item.second.touched >= max_age;
    if (idle) freed_bytes += item.second.bytes.size();
    return idle;
  });
}

namespace {

std::uint64_t tree_bytes(const MemoryNode& node) {
  std::uint64_t total = node.content ? node.content->size() : 0;
  for (const auto& [name, child] : node.children) total += tree_bytes(*child);
  return total;
}

}  // namespace

StorageResult<std::uint64_t> MemorySpace::stored_bytes(std::string_view path) const {
  auto components = parse_path(path, true);
  if (!components) return std::move(components).error();
  std::lock_guard lock(state_->mutex);
  auto node = find_node(state_->root, *components, path);
  if (!node) return std::move(node).error();
  std::uint64_t total = tree_bytes(**node);
  for (const auto& [key, partial] : state_->partials) {
    if (partial.target == *components || is_inside(partial.target, *components)) {
      total += partial.bytes.size();
    }
  }
  return total;
}

std::size_t MemorySpace::partial_count() const {
  std::lock_guard lock(state_->mutex);
  return state_->partials.size();
}

void MemoryBackend::create_space(std::string_view username) {
  std::lock_guard lock(mutex_);
  if (!spaces_.contains(username)) {
    auto space = std::make_shared<MemorySpace>(faults_);
    space->set_retention(retention_);
    spaces_.emplace(std::string(username), std::move(space));
  }
}

StorageResult<std::shared_ptr<UserSpace>> MemoryBackend::open_space(std::string_view username) {
  std::lock_guard lock(mutex_);
  auto it = spaces_.find(username);
  if (it == spaces_.end()) {
    return storage_error(StorageErrc::not_found,
                         "your folder on the server is missing; log in again to have it made");
  }
  return std::shared_ptr<UserSpace>(it->second);
}

StorageResult<std::size_t> MemoryBackend::sweep_partial_uploads(std::chrono::seconds max_age,
                                                                const SweepFreed& freed) {
  std::lock_guard lock(mutex_);
  std::size_t removed = 0;
  for (auto& [name, space] : spaces_) {
    std::uint64_t bytes = 0;
    auto swept = space->sweep_partial_uploads(max_age, bytes);
    removed += swept;
    if (swept > 0 && freed) freed(name, bytes);
  }
  return removed;
}

}  // namespace netdisk::storage
