// MemoryTree: the private state of a MemorySpace (memory_space.h) and the path walking its
// operations share: a tree of nodes, the partial uploads beside it, a version counter. Every
// field is guarded by MemoryState::mutex; the helpers expect it held.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/dead_properties.h"
#include "storage/fault_plan.h"
#include "storage/retention.h"
#include "storage/storage_error.h"
#include "storage/target_check.h"

namespace netdisk::storage {

struct MemoryNode {
  bool is_directory = false;
  std::shared_ptr<const std::string> content;  // a file's bytes, shared with its open files
  std::string version;
  std::int64_t mtime_ns = 0;
  std::optional<std::string> checksum;                          // stored for this version
  DeadProperties properties;  // the resource's, whatever its version
  std::map<std::string, std::unique_ptr<MemoryNode>> children;  // byte order
};

struct MemoryPartial {
  std::vector<std::string> target;  // the components of the upload's name
  std::string bytes;
  bool held = false;  // a live sink writes it
  std::chrono::steady_clock::time_point touched;
};

// A trash entry: the removed node itself, detached from the tree.
struct MemoryTrashItem {
  TrashEntry entry;
  std::unique_ptr<MemoryNode> node;
};

// A kept version: the replaced content, shared with any open file still reading it.
struct MemoryVersion {
  std::int64_t time_ns = 0;
  std::shared_ptr<const std::string> content;
  std::string checksum;
};

struct MemoryState {
  explicit MemoryState(std::shared_ptr<FaultPlan> plan) : faults(std::move(plan)) {
    root.is_directory = true;
  }
  std::string new_version() { return "mem-" + std::to_string(next_version++); }

  std::mutex mutex;
  MemoryNode root;
  std::map<std::string, MemoryPartial> partials;  // by key: resumable or random
  std::uint64_t next_version = 1;
  std::uint64_t next_partial = 1;
  std::shared_ptr<FaultPlan> faults;
  std::shared_ptr<const Retention> retention = std::make_shared<const Retention>();
  std::vector<MemoryTrashItem> trash;  // oldest first
  std::uint64_t next_trash = 1;
  // By joined client path; each list oldest first, times unique within it.
  std::map<std::string, std::vector<MemoryVersion>> versions;
};

// Keeps `current` (a file replaced at `path`) as a version and prunes that path's versions
// by the Retention; returns what the pruning dropped.
Freed keep_memory_version(MemoryState& state, const std::string& path, const MemoryNode& current);

using Components = std::vector<std::string>;

// The components of a client path (safe_path.h's rules); bad_name otherwise. With
// `allow_root`, "" is the space itself (no components).
StorageResult<Components> parse_path(std::string_view path, bool allow_root);

// The folder holding the last component of `path` (non-empty): not_found for a missing
// folder on the way, not_a_directory for a file on the way.
StorageResult<MemoryNode*> find_parent(MemoryNode& root, const Components& path);

// The node at `path`, or not_found.
StorageResult<MemoryNode*> find_node(MemoryNode& root, const Components& path,
                                     std::string_view shown);

// The file at `path`: not_found, or is_a_directory for a folder.
StorageResult<MemoryNode*> find_file(MemoryNode& root, const Components& path,
                                     std::string_view shown);

// A deep copy with fresh versions (and the same properties).
std::unique_ptr<MemoryNode> copy_tree(const MemoryNode& node, MemoryState& state);

// What a TargetCheck sees of `node` (nullptr: nothing there).
TargetState state_of(const MemoryNode* node);

// True if `prefix` is a proper prefix of `path`.
bool is_inside(const Components& path, const Components& prefix);

std::int64_t now_ns();

}  // namespace netdisk::storage
