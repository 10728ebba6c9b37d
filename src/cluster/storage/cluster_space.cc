// ClusterSpace's namespace calls (cluster_space.h): listings, folders, removal, properties and
// the byte count, as SQL over the user's rows. Changes run under the user's lock (store_db.h),
// so a check and the change it guards see the same state on every node.
#include "cluster/storage/cluster_space.h"

#include <algorithm>
#include <cstdint>

#include <fmt/format.h>

#include "cluster/storage/cluster_rows.h"
#include "storage/dead_properties.h"

namespace netdisk::cluster {

using storage::storage_error;
using storage::StorageErrc;
using storage::StorageError;
using storage::StorageResult;
using storage::StorageStatus;

ClusterShared::ClusterShared(StoreDb db_in, std::shared_ptr<ChunkStore> chunks_in,
                             ClusterStoreOptions opts)
    : db(std::move(db_in)),
      chunks(std::move(chunks_in)),
      options(std::move(opts)),
      retention(std::make_shared<const storage::Retention>()) {
  if (!options.clock_ns) {
    options.clock_ns = [] { return storage::to_ns(std::chrono::system_clock::now()); };
  }
}

namespace {

StorageError not_found(std::string_view path) {
  return storage_error(StorageErrc::not_found, fmt::format("'{}' does not exist", path));
}

// The entry at `path`, or not_found.
StorageResult<EntryRow> existing(const SqlRunner& sql, const std::string& user,
                                 const std::string& path) {
  auto row = load_entry(sql, user, path);
  if (!row) return std::move(row).error();
  if (!*row) return not_found(path);
  return std::move(**row);
}

}  // namespace

StorageResult<std::vector<storage::DirEntry>> ClusterSpace::list(std::string_view dir,
                                                                 std::string_view after,
                                                                 std::size_t limit) const {
  auto path = client_path(dir, true);
  if (!path) return std::move(path).error();
  if (!path->is_root()) {
    auto row = existing(shared_->db, user_, path->path);
    if (!row) return std::move(row).error();
    if (!row->is_dir) {
      return storage_error(StorageErrc::not_a_directory, fmt::format("'{}' is not a folder", dir));
    }
  }
  auto rows = shared_->db.exec(
      fmt::format("SELECT {} FROM netdisk.entries WHERE username = $1 AND parent = $2 AND "
                  "name > $3 ORDER BY name LIMIT $4",
                  kEntryColumns),
      {user_, path->path, std::string(after), param(std::min<std::uint64_t>(limit, INT64_MAX))});
  if (!rows) return std::move(rows).error();
  std::vector<storage::DirEntry> out;
  for (int i = 0; i < rows->rows(); ++i) out.push_back(dir_entry(entry_row(*rows, i)));
  return out;
}

StorageResult<storage::DirEntry> ClusterSpace::stat(std::string_view path) const {
  auto parsed = client_path(path, true);
  if (!parsed) return std::move(parsed).error();
  if (parsed->is_root()) return storage::DirEntry{"", true, 0, 0, ""};
  auto row = existing(shared_->db, user_, parsed->path);
  if (!row) return std::move(row).error();
  return dir_entry(*row);
}

StorageResult<storage::TargetState> ClusterSpace::target_state(std::string_view path) const {
  auto parsed = client_path(path, false);
  if (!parsed) return std::move(parsed).error();
  if (auto parent = check_parent(shared_->db, user_, *parsed); !parent) {
    return std::move(parent).error();
  }
  auto row = load_entry(shared_->db, user_, parsed->path);
  if (!row) return std::move(row).error();
  return target_of(*row);
}

StorageStatus ClusterSpace::make_directory(std::string_view path, bool parents) {
  auto parsed = client_path(path, false);
  if (!parsed) return std::move(parsed).error();
  std::int64_t now = shared_->now_ns();
  return shared_->db.locked(user_, [&](StoreTx& tx) -> StorageStatus {
    if (!parents) {
      if (auto parent = check_parent(tx, user_, *parsed); !parent) return parent;
      auto row = load_entry(tx, user_, parsed->path);
      if (!row) return std::move(row).error();
      if (*row) return storage_error(StorageErrc::exists, fmt::format("'{}' exists", path));
    }
    return make_folders(tx, user_, parsed->path, now);
  });
}

StorageStatus make_folders(const SqlRunner& tx, const std::string& user, const std::string& path,
                           std::int64_t now) {
  std::size_t end = 0;
  while (end != std::string::npos) {
    end = path.find('/', end + 1);
    ClientPath folder = path_of(path.substr(0, end));
    auto row = load_entry(tx, user, folder.path);
    if (!row) return std::move(row).error();
    if (*row && !(*row)->is_dir) {
      return storage_error(StorageErrc::not_a_directory,
                           fmt::format("'{}' is not a folder", folder.path));
    }
    if (*row) continue;
    auto made = tx.exec(
        "INSERT INTO netdisk.entries (username, path, parent, name, is_dir, mtime_ns) "
        "VALUES ($1, $2, $3, $4, true, $5)",
        {user, folder.path, folder.parent, folder.name, param(now)});
    if (!made) return std::move(made).error();
  }
  return {};
}

// Deletes the rows at and under `path` (entries and idle uploads) and marks what their
// contents become. not_empty instead when `only_if_empty` and the folder holds entries or a
// live upload.
StorageStatus delete_subtree(const SqlRunner& tx, const std::string& user, const std::string& path,
                             std::int64_t now, bool only_if_empty) {
  SqlParams where{user, path, subtree_end(path)};
  if (only_if_empty) {
    auto busy = tx.exec(
        "SELECT (SELECT count(*) FROM netdisk.entries WHERE username = $1 AND path > $2::text || "
        "'/' "
        "AND path < $3::text) + (SELECT count(*) FROM netdisk.uploads WHERE username = $1 AND "
        "path > $2::text || '/' AND path < $3::text AND holder IS NOT NULL AND "
        "lease_until_ns > $4::bigint)",
        {user, path, subtree_end(path), param(now)});
    if (!busy) return std::move(busy).error();
    if (column_i64(*busy, 0, 0) > 0) {
      return storage_error(
          StorageErrc::not_empty,
          fmt::format("'{}' is not empty (or an upload into it is running)", path));
    }
  }
  auto entries = tx.exec(fmt::format("DELETE FROM netdisk.entries WHERE username = $1 AND {} "
                                     "RETURNING content_id",
                                     subtree_condition("path")),
                         where);
  if (!entries) return std::move(entries).error();
  auto uploads = tx.exec(fmt::format("DELETE FROM netdisk.uploads WHERE username = $1 AND {} "
                                     "RETURNING content_id",
                                     subtree_condition("path")),
                         where);
  if (!uploads) return std::move(uploads).error();
  std::vector<std::int64_t> ids;
  for (const auto* result : {&*entries, &*uploads}) {
    for (int i = 0; i < result->rows(); ++i) {
      if (!result->is_null(i, 0)) ids.push_back(column_i64(*result, i, 0));
    }
  }
  return orphan_unreferenced(tx, ids, now);
}

StorageStatus ClusterSpace::remove(std::string_view path, const storage::TargetCheck& check) {
  auto parsed = client_path(path, false);
  if (!parsed) return std::move(parsed).error();
  std::int64_t now = shared_->now_ns();
  return shared_->db.locked(user_, [&](StoreTx& tx) -> StorageStatus {
    auto row = existing(tx, user_, parsed->path);
    if (!row) return std::move(row).error();
    if (check) {
      if (auto allowed = check(target_of(*row)); !allowed) return allowed;
    }
    return delete_subtree(tx, user_, parsed->path, now, row->is_dir);
  });
}

StorageStatus ClusterSpace::remove_tree(std::string_view path) {
  auto parsed = client_path(path, false);
  if (!parsed) return std::move(parsed).error();
  std::int64_t now = shared_->now_ns();
  return shared_->db.locked(user_, [&](StoreTx& tx) -> StorageStatus {
    if (auto row = existing(tx, user_, parsed->path); !row) return std::move(row).error();
    return delete_subtree(tx, user_, parsed->path, now, false);
  });
}

StorageResult<storage::DeadProperties> ClusterSpace::properties(std::string_view path) const {
  auto parsed = client_path(path, true);
  if (!parsed) return std::move(parsed).error();
  auto row = load_entry(shared_->db, user_, parsed->path);
  if (!row) return std::move(row).error();
  if (!*row && !parsed->is_root()) return not_found(path);
  return storage::decode_properties(*row ? (*row)->properties : std::string());
}

// The space itself has a row only once it has properties (parent and name "", never listed:
// a listing asks for names after "").
StorageStatus ClusterSpace::patch_properties(std::string_view path,
                                             std::span<const storage::PropertyChange> changes) {
  auto parsed = client_path(path, true);
  if (!parsed) return std::move(parsed).error();
  return shared_->db.locked(user_, [&](StoreTx& tx) -> StorageStatus {
    auto row = load_entry(tx, user_, parsed->path, true);
    if (!row) return std::move(row).error();
    if (!*row && !parsed->is_root()) return not_found(path);
    auto current = storage::decode_properties(*row ? (*row)->properties : std::string());
    if (!current) return std::move(current).error();
    auto next = storage::patched(std::move(*current), changes);
    if (!next) return std::move(next).error();
    std::string encoded = storage::encode_properties(*next);
    if (encoded.find('\0') != std::string::npos) {
      return storage_error(StorageErrc::bad_argument, "a property value holds a NUL byte");
    }
    auto stored = tx.exec(
        "INSERT INTO netdisk.entries (username, path, parent, name, is_dir, mtime_ns, properties) "
        "VALUES ($1, $2, '', '', true, 0, $3) ON CONFLICT (username, path) DO UPDATE SET "
        "properties = EXCLUDED.properties",
        {user_, parsed->path, encoded});
    if (!stored) return std::move(stored).error();
    return {};
  });
}

StorageResult<std::uint64_t> ClusterSpace::stored_bytes(std::string_view path) const {
  auto parsed = client_path(path, true);
  if (!parsed) return std::move(parsed).error();
  if (parsed->is_root()) {
    auto total = shared_->db.exec(
        "SELECT (SELECT coalesce(sum(size), 0) FROM netdisk.entries WHERE username = $1 AND NOT "
        "is_dir) + (SELECT coalesce(sum(recorded), 0) FROM netdisk.uploads WHERE username = $1) "
        "+ (SELECT coalesce(sum(size), 0) FROM netdisk.versions WHERE username = $1)",
        {user_});
    if (!total) return std::move(total).error();
    return static_cast<std::uint64_t>(column_i64(*total, 0, 0));
  }
  if (auto row = existing(shared_->db, user_, parsed->path); !row) return std::move(row).error();
  auto total = shared_->db.exec(
      fmt::format("SELECT (SELECT coalesce(sum(size), 0) FROM netdisk.entries WHERE username = "
                  "$1 AND NOT is_dir AND {0}) + (SELECT coalesce(sum(recorded), 0) FROM "
                  "netdisk.uploads WHERE username = $1 AND {0})",
                  subtree_condition("path")),
      {user_, parsed->path, subtree_end(parsed->path)});
  if (!total) return std::move(total).error();
  return static_cast<std::uint64_t>(column_i64(*total, 0, 0));
}

}  // namespace netdisk::cluster
