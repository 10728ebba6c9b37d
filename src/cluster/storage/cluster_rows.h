// The rows of the cluster namespace (cluster_schema.cc) as values, and the lookups the
// ClusterSpace operations share: client paths, an entry by path, the folder holding a path,
// subtree conditions, and marking contents nothing refers to any more. Pure helpers on a
// SqlRunner; they block like it does.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/storage/store_db.h"
#include "storage/dir_entry.h"
#include "storage/storage_error.h"
#include "storage/target_check.h"

namespace netdisk::cluster {

// A validated client path: "a/b/c" has parent "a/b" and name "c"; the space itself is "".
struct ClientPath {
  std::string path;
  std::string parent;
  std::string name;
  bool is_root() const { return path.empty(); }
};

// bad_name unless `path` passes safe_path.h's rules ("" only with `allow_root`).
storage::StorageResult<ClientPath> client_path(std::string_view path, bool allow_root);
ClientPath path_of(std::string path);  // an already valid joined path

struct EntryRow {
  std::string path;
  std::string name;
  bool is_dir = false;
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::string version;
  std::optional<std::int64_t> content_id;
  std::optional<std::string> checksum;
  std::string properties;  // encode_properties() form
};

// The columns entry_row() reads, in its order.
inline constexpr std::string_view kEntryColumns =
    "path, name, is_dir, size, mtime_ns, version, content_id, checksum, properties";
EntryRow entry_row(const pg::PgResult& result, int row);
storage::DirEntry dir_entry(const EntryRow& row);
storage::TargetState target_of(const std::optional<EntryRow>& row);

// The entry at `path` (nullopt: nothing there). `for_update` locks the row.
storage::StorageResult<std::optional<EntryRow>> load_entry(const SqlRunner& sql,
                                                           const std::string& user,
                                                           const std::string& path,
                                                           bool for_update = false);

// OK when the folder holding `path` exists: not_found for a missing folder on the way,
// not_a_directory for a file on the way.
storage::StorageStatus check_parent(const SqlRunner& sql, const std::string& user,
                                    const ClientPath& path);

// The SQL condition "the row at $2 or anywhere under it" for a `column` (user in $1).
std::string subtree_condition(std::string_view column);
// $3 for subtree_condition(): the upper bound of the paths under $2.
std::string subtree_end(const std::string& path);

// A fresh id from the store's sequence.
storage::StorageResult<std::int64_t> next_id(const SqlRunner& sql);

// Marks the contents among `ids` that no entry, version or upload refers to as orphaned at
// `now_ns` (their chunks go after the grace, ClusterBackend::collect_chunks()).
storage::StorageStatus orphan_unreferenced(const SqlRunner& sql,
                                           const std::vector<std::int64_t>& ids,
                                           std::int64_t now_ns);
// "{1,2,3}": ids as a PostgreSQL array literal.
std::string id_array(const std::vector<std::int64_t>& ids);

}  // namespace netdisk::cluster

namespace netdisk::cluster {

// Deletes the rows at and under `path` (entries and uploads) and marks their contents orphaned
// when nothing else refers to them. With `only_if_empty`: not_empty instead when the folder
// holds entries or a live upload (idle partials do not count, and go).
storage::StorageStatus delete_subtree(const SqlRunner& tx, const std::string& user,
                                      const std::string& path, std::int64_t now,
                                      bool only_if_empty);

}  // namespace netdisk::cluster

namespace netdisk::cluster {

// Moves the rows at and under $2 to $4 (parent $5, name $6) with user $1 and $2's subtree end
// $3: entries, and the upload sessions into the tree, which follow their folder.
storage::StorageStatus move_subtree(const SqlRunner& tx, const SqlParams& params);

// Creates every missing folder of `path` (itself included): not_a_directory for a file on
// the way.
storage::StorageStatus make_folders(const SqlRunner& tx, const std::string& user,
                                    const std::string& path, std::int64_t now);

}  // namespace netdisk::cluster
