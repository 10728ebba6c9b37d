// ClusterSpace's trash and versions (cluster_space.h), with the local backend's rules
// (storage/retention.h). A trashed tree keeps its rows, moved under '.netdisk-trash/<id>' (a
// reserved name no client path reaches); a version is a row naming the replaced content. No
// byte moves for either: contents are orphaned only when deleted for good.
#include <fmt/format.h>

#include "cluster/storage/cluster_rows.h"
#include "cluster/storage/cluster_space.h"
#include "cluster/storage/cluster_versions.h"
#include "storage/safe_path.h"

namespace netdisk::cluster {

using storage::Freed;
using storage::storage_error;
using storage::StorageErrc;
using storage::StorageError;
using storage::StorageResult;
using storage::StorageStatus;

namespace {

std::string trash_path(std::string_view id) {
  return fmt::format("{}/{}", storage::kTrashFolder, id);
}

StorageError no_entry(std::string_view id) {
  return storage_error(StorageErrc::not_found, fmt::format("'{}' is not in the trash", id));
}

std::int64_t clock_ns(const storage::Retention& retention) {
  return storage::to_ns(retention.clock());
}

// Deletes the trash entries the WHERE clause (after the user, $1) picks, for good.
StorageResult<Freed> delete_trash_rows(const SqlRunner& tx, const std::string& user,
                                       std::string_view where, SqlParams params, std::int64_t now) {
  params.insert(params.begin(), user);
  auto rows = tx.exec(fmt::format("DELETE FROM netdisk.trash WHERE username = $1 {} "
                                  "RETURNING id, size",
                                  where),
                      params);
  if (!rows) return std::move(rows).error();
  Freed freed;
  for (int i = 0; i < rows->rows(); ++i) {
    std::string path = trash_path(rows->text(i, 0));
    if (auto gone = delete_subtree(tx, user, path, now, false); !gone)
      return std::move(gone).error();
    freed += Freed{1, static_cast<std::uint64_t>(column_i64(*rows, i, 1))};
  }
  return freed;
}

}  // namespace

std::int64_t version_cutoff(const storage::Retention& retention) {
  if (retention.version_max_age.count() <= 0) return 0;
  return storage::to_ns(retention.clock() - retention.version_max_age);
}

StorageResult<Freed> prune_version_rows(const SqlRunner& tx, const std::string& user,
                                        std::size_t keep, std::int64_t cutoff_ns,
                                        const std::string* path, std::int64_t now_ns) {
  SqlParams params{user, param(static_cast<std::uint64_t>(std::min<std::size_t>(keep, INT64_MAX))),
                   param(cutoff_ns)};
  if (path != nullptr) params.push_back(*path);
  auto rows = tx.exec(
      fmt::format("DELETE FROM netdisk.versions v USING (SELECT path, id, row_number() OVER "
                  "(PARTITION BY path ORDER BY time_ns DESC) AS rn FROM netdisk.versions WHERE "
                  "username = $1 {}) r WHERE v.username = $1 AND v.path = r.path AND v.id = r.id "
                  "AND (r.rn > $2::bigint OR ($3::bigint > 0 AND v.time_ns < $3::bigint)) "
                  "RETURNING v.size, v.content_id",
                  path != nullptr ? "AND path = $4" : ""),
      params);
  if (!rows) return std::move(rows).error();
  Freed freed;
  std::vector<std::int64_t> ids;
  for (int i = 0; i < rows->rows(); ++i) {
    freed += Freed{1, static_cast<std::uint64_t>(column_i64(*rows, i, 0))};
    ids.push_back(column_i64(*rows, i, 1));
  }
  if (auto orphaned = orphan_unreferenced(tx, ids, now_ns); !orphaned) {
    return std::move(orphaned).error();
  }
  return freed;
}

StorageResult<Freed> keep_version(const SqlRunner& tx, const std::string& user,
                                  const EntryRow& current, const storage::Retention& retention,
                                  std::int64_t now_ns) {
  if (retention.versions_kept == 0) return Freed{1, current.size};  // replaced for good
  // Times are unique per path (the id is the time), as the local backend makes them.
  auto time = tx.exec(
      "SELECT greatest($3::bigint, coalesce(max(time_ns) + 1, 0)) FROM netdisk.versions WHERE "
      "username = $1 AND path = $2",
      {user, current.path, param(clock_ns(retention))});
  if (!time) return std::move(time).error();
  std::int64_t at = column_i64(*time, 0, 0);
  auto kept = tx.exec(
      "INSERT INTO netdisk.versions (username, id, path, time_ns, content_id, size, checksum) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7)",
      {user, fmt::format("{:020}", at), current.path, param(at),
       param(current.content_id.value_or(0)), param(current.size), current.checksum.value_or("")});
  if (!kept) return std::move(kept).error();
  return prune_version_rows(tx, user, retention.versions_kept, version_cutoff(retention),
                            &current.path, now_ns);
}

StorageResult<Replacing> begin_replacing(const SqlRunner& tx, const std::string& user,
                                         const std::optional<EntryRow>& current,
                                         const storage::Retention& retention, std::int64_t now_ns) {
  Replacing replacing;
  if (current) {
    auto kept = keep_version(tx, user, *current, retention, now_ns);
    if (!kept) return std::move(kept).error();
    replacing.freed = *kept;
  }
  auto seq = next_id(tx);
  if (!seq) return std::move(seq).error();
  replacing.tag = fmt::format("v{}", *seq);
  return replacing;
}

StorageResult<storage::TrashEntry> ClusterSpace::move_to_trash(std::string_view path,
                                                               const storage::TargetCheck& check) {
  auto parsed = client_path(path, false);
  if (!parsed) return std::move(parsed).error();
  std::int64_t now = shared_->now_ns();
  std::int64_t when = clock_ns(*shared_->retention);
  return shared_->db.locked_result<storage::TrashEntry>(
      user_, [&](StoreTx& tx) -> StorageResult<storage::TrashEntry> {
        auto row = load_entry(tx, user_, parsed->path);
        if (!row) return std::move(row).error();
        if (!*row)
          return storage_error(StorageErrc::not_found, fmt::format("'{}' does not exist", path));
        if (check) {
          if (auto allowed = check(target_of(*row)); !allowed) return std::move(allowed).error();
        }
        auto seq = next_id(tx);
        if (!seq) return std::move(seq).error();
        SqlParams subtree{user_, parsed->path, subtree_end(parsed->path)};
        auto sized = tx.exec(fmt::format("SELECT coalesce(sum(size), 0) FROM netdisk.entries "
                                         "WHERE username = $1 AND NOT is_dir AND {}",
                                         subtree_condition("path")),
                             subtree);
        if (!sized) return std::move(sized).error();
        // Uploads into the tree end here: they must not publish into the trash.
        auto partials =
            tx.exec(fmt::format("DELETE FROM netdisk.uploads WHERE username = $1 AND {} "
                                "RETURNING content_id",
                                subtree_condition("path")),
                    subtree);
        if (!partials) return std::move(partials).error();
        storage::TrashEntry entry{fmt::format("{:016x}{:08x}", when, *seq & 0xffffffff),
                                  parsed->path, (*row)->is_dir,
                                  static_cast<std::uint64_t>(column_i64(*sized, 0, 0)), when};
        std::vector<std::int64_t> dropped;
        for (int i = 0; i < partials->rows(); ++i) dropped.push_back(column_i64(*partials, i, 0));
        if (auto o = orphan_unreferenced(tx, dropped, now); !o) return std::move(o).error();
        auto moved =
            move_subtree(tx, {user_, parsed->path, subtree_end(parsed->path), trash_path(entry.id),
                              std::string(storage::kTrashFolder), entry.id});
        if (!moved) return std::move(moved).error();
        auto listed = tx.exec(
            "INSERT INTO netdisk.trash (username, id, original_path, is_dir, size, removed_ns) "
            "VALUES ($1, $2, $3, $4, $5, $6)",
            {user_, entry.id, entry.original_path, param(entry.is_directory), param(entry.size),
             param(entry.removed_ns)});
        if (!listed) return std::move(listed).error();
        return entry;
      });
}

StorageResult<std::vector<storage::TrashEntry>> ClusterSpace::list_trash() const {
  auto rows = shared_->db.exec(
      "SELECT id, original_path, is_dir, size, removed_ns FROM netdisk.trash WHERE username = $1 "
      "ORDER BY removed_ns DESC, id DESC",
      {user_});
  if (!rows) return std::move(rows).error();
  std::vector<storage::TrashEntry> out;
  for (int i = 0; i < rows->rows(); ++i) {
    out.push_back(storage::TrashEntry{
        std::string(rows->text(i, 0)), std::string(rows->text(i, 1)), rows->text(i, 2) == "t",
        static_cast<std::uint64_t>(column_i64(*rows, i, 3)), column_i64(*rows, i, 4)});
  }
  return out;
}

StorageResult<std::string> ClusterSpace::restore_from_trash(std::string_view id,
                                                            std::optional<std::string> to) {
  std::int64_t now = shared_->now_ns();
  return shared_->db.locked_result<std::string>(
      user_, [&](StoreTx& tx) -> StorageResult<std::string> {
        auto row =
            tx.exec("SELECT original_path FROM netdisk.trash WHERE username = $1 AND id = $2",
                    {user_, std::string(id)});
        if (!row) return std::move(row).error();
        if (row->rows() == 0) return no_entry(id);
        auto target = client_path(to.value_or(std::string(row->text(0, 0))), false);
        if (!target) return std::move(target).error();
        if (!target->parent.empty()) {
          if (auto made = make_folders(tx, user_, target->parent, now); !made)
            return std::move(made).error();
        }
        auto taken = load_entry(tx, user_, target->path);
        if (!taken) return std::move(taken).error();
        if (*taken) {
          return storage_error(
              StorageErrc::exists,
              fmt::format("'{}' exists; restore it under another name", target->path));
        }
        std::string from = trash_path(id);
        auto moved = move_subtree(
            tx, {user_, from, subtree_end(from), target->path, target->parent, target->name});
        if (!moved) return std::move(moved).error();
        auto gone = tx.exec("DELETE FROM netdisk.trash WHERE username = $1 AND id = $2",
                            {user_, std::string(id)});
        if (!gone) return std::move(gone).error();
        return target->path;
      });
}

StorageResult<Freed> ClusterSpace::delete_from_trash(std::optional<std::string> id) {
  std::int64_t now = shared_->now_ns();
  return shared_->db.locked_result<Freed>(user_, [&](StoreTx& tx) -> StorageResult<Freed> {
    auto freed = id ? delete_trash_rows(tx, user_, "AND id = $2", {*id}, now)
                    : delete_trash_rows(tx, user_, "", {}, now);
    if (freed && id && freed->entries == 0) return no_entry(*id);
    return freed;
  });
}

StorageResult<Freed> ClusterSpace::purge_trash(std::chrono::system_clock::time_point cutoff) {
  std::int64_t now = shared_->now_ns();
  return shared_->db.locked_result<Freed>(user_, [&](StoreTx& tx) {
    return delete_trash_rows(tx, user_, "AND removed_ns < $2::bigint",
                             {param(storage::to_ns(cutoff))}, now);
  });
}

StorageResult<std::vector<storage::VersionEntry>> ClusterSpace::list_versions(
    std::string_view path) const {
  auto parsed = client_path(path, false);
  if (!parsed) return std::move(parsed).error();
  auto rows = shared_->db.exec(
      "SELECT id, time_ns, size, checksum FROM netdisk.versions WHERE username = $1 AND path = $2 "
      "ORDER BY time_ns DESC",
      {user_, parsed->path});
  if (!rows) return std::move(rows).error();
  std::vector<storage::VersionEntry> out;
  for (int i = 0; i < rows->rows(); ++i) {
    out.push_back(storage::VersionEntry{std::string(rows->text(i, 0)), column_i64(*rows, i, 1),
                                        static_cast<std::uint64_t>(column_i64(*rows, i, 2)),
                                        std::string(rows->text(i, 3))});
  }
  return out;
}

StorageResult<storage::Published> ClusterSpace::restore_version(std::string_view path,
                                                                std::string_view id) {
  auto parsed = client_path(path, false);
  if (!parsed) return std::move(parsed).error();
  std::int64_t now = shared_->now_ns();
  return shared_->db.locked_result<storage::Published>(
      user_, [&](StoreTx& tx) -> StorageResult<storage::Published> {
        auto chosen = tx.exec(
            "DELETE FROM netdisk.versions WHERE username = $1 AND path = $2 AND id = $3 "
            "RETURNING content_id, size, checksum",
            {user_, parsed->path, std::string(id)});
        if (!chosen) return std::move(chosen).error();
        if (chosen->rows() == 0) {
          return storage_error(StorageErrc::not_found,
                               fmt::format("'{}' has no version '{}'", path, id));
        }
        if (auto parent = check_parent(tx, user_, *parsed); !parent)
          return std::move(parent).error();
        auto current = load_entry(tx, user_, parsed->path, true);
        if (!current) return std::move(current).error();
        if (*current && (*current)->is_dir) {
          return storage_error(StorageErrc::is_a_directory, fmt::format("'{}' is a folder", path));
        }
        auto replacing = begin_replacing(tx, user_, *current, *shared_->retention, now);
        if (!replacing) return std::move(replacing).error();
        const std::string& tag = replacing->tag;
        std::string checksum(chosen->text(0, 2));
        auto stored = tx.exec(
            "INSERT INTO netdisk.entries (username, path, parent, name, is_dir, size, mtime_ns, "
            "version, content_id, checksum) VALUES ($1, $2, $3, $4, false, $5, $6, $7, $8, $9) "
            "ON CONFLICT (username, path) DO UPDATE SET size = $5, mtime_ns = $6, version = $7, "
            "content_id = $8, checksum = $9",
            {user_, parsed->path, parsed->parent, parsed->name, std::string(chosen->text(0, 1)),
             param(now), tag, std::string(chosen->text(0, 0)), checksum});
        if (!stored) return std::move(stored).error();
        if (*current && (*current)->content_id) {
          auto o = orphan_unreferenced(tx, {*(*current)->content_id}, now);
          if (!o) return std::move(o).error();
        }
        return storage::Published{tag, checksum, replacing->freed};
      });
}

StorageResult<Freed> ClusterSpace::prune_versions(std::size_t keep,
                                                  std::chrono::system_clock::time_point cutoff) {
  std::int64_t now = shared_->now_ns();
  return shared_->db.locked_result<Freed>(user_, [&](StoreTx& tx) {
    return prune_version_rows(tx, user_, keep, storage::to_ns(cutoff), nullptr, now);
  });
}

StorageResult<Freed> ClusterSpace::drop_oldest_versions(std::uint64_t bytes) {
  std::int64_t now = shared_->now_ns();
  return shared_->db.locked_result<Freed>(user_, [&](StoreTx& tx) -> StorageResult<Freed> {
    Freed freed;
    std::vector<std::int64_t> ids;
    while (freed.bytes < bytes) {
      auto oldest = tx.exec(
          "DELETE FROM netdisk.versions WHERE (username, path, id) IN (SELECT username, path, id "
          "FROM netdisk.versions WHERE username = $1 ORDER BY time_ns, path LIMIT 1) "
          "RETURNING size, content_id",
          {user_});
      if (!oldest) return std::move(oldest).error();
      if (oldest->rows() == 0) break;
      freed += Freed{1, static_cast<std::uint64_t>(column_i64(*oldest, 0, 0))};
      ids.push_back(column_i64(*oldest, 0, 1));
    }
    if (auto o = orphan_unreferenced(tx, ids, now); !o) return std::move(o).error();
    return freed;
  });
}

}  // namespace netdisk::cluster
