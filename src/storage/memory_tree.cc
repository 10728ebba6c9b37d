#include "storage/memory_tree.h"

#include <algorithm>

#include <fmt/format.h>

#include "storage/errc_bridge.h"
#include "storage/safe_path.h"

namespace netdisk::storage {

StorageResult<Components> parse_path(std::string_view path, bool allow_root) {
  auto components = allow_root ? split_user_dir_path(path) : split_user_path(path);
  if (!components) return storage_error_of(components.error());
  return std::move(*components);
}

StorageResult<MemoryNode*> find_parent(MemoryNode& root, const Components& path) {
  MemoryNode* node = &root;
  for (std::size_t i = 0; i + 1 < path.size(); ++i) {
    auto it = node->children.find(path[i]);
    if (it == node->children.end()) {
      return storage_error(StorageErrc::not_found,
                           fmt::format("folder '{}' does not exist", path[i]));
    }
    if (!it->second->is_directory) {
      return storage_error(StorageErrc::not_a_directory,
                           fmt::format("'{}' is not a folder", path[i]));
    }
    node = it->second.get();
  }
  return node;
}

StorageResult<MemoryNode*> find_node(MemoryNode& root, const Components& path,
                                     std::string_view shown) {
  if (path.empty()) return &root;
  auto parent = find_parent(root, path);
  if (!parent) return std::move(parent).error();
  auto it = (*parent)->children.find(path.back());
  if (it == (*parent)->children.end()) {
    return storage_error(StorageErrc::not_found, fmt::format("'{}' does not exist", shown));
  }
  return it->second.get();
}

StorageResult<MemoryNode*> find_file(MemoryNode& root, const Components& path,
                                     std::string_view shown) {
  auto node = find_node(root, path, shown);
  if (!node) return std::move(node).error();
  if ((*node)->is_directory) {
    return storage_error(StorageErrc::is_a_directory, fmt::format("'{}' is a folder", shown));
  }
  return node;
}

std::unique_ptr<MemoryNode> copy_tree(const MemoryNode& node, MemoryState& state) {
  auto copy = std::make_unique<MemoryNode>();
  copy->is_directory = node.is_directory;
  copy->content = node.content;
  copy->checksum = node.checksum;
  copy->properties = node.properties;
  copy->mtime_ns = now_ns();
  if (!node.is_directory) copy->version = state.new_version();
  for (const auto& [name, child] : node.children) copy->children[name] = copy_tree(*child, state);
  return copy;
}

TargetState state_of(const MemoryNode* node) {
  if (node == nullptr) return TargetState{};
  TargetState state{true, node->is_directory, "", node->mtime_ns, 0};
  if (!node->is_directory) {
    state.version = node->version;
    state.size = node->content->size();
  }
  return state;
}

bool is_inside(const Components& path, const Components& prefix) {
  return path.size() > prefix.size() && std::equal(prefix.begin(), prefix.end(), path.begin());
}

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace netdisk::storage
