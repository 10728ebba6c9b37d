// ClusterSpace's rename and copy (cluster_space.h). With a path-keyed table, moving a folder
// is one UPDATE of every path under its prefix, and copying one is one INSERT ... SELECT that
// shares the immutable contents (no byte moves): both inside the user's transaction, so the
// whole tree moves or nothing does.
#include <fmt/format.h>

#include "cluster/storage/cluster_rows.h"
#include "cluster/storage/cluster_space.h"

namespace netdisk::cluster {

using storage::storage_error;
using storage::StorageErrc;
using storage::StorageError;
using storage::StorageResult;
using storage::StorageStatus;

namespace {

// The kinds must agree when `to` is taken, as for the local backend.
StorageStatus check_replace(const SqlRunner& tx, const std::string& user, const EntryRow& source,
                            const EntryRow& target, bool replace, std::string_view to) {
  if (!replace) return storage_error(StorageErrc::exists, fmt::format("'{}' exists", to));
  if (target.is_dir && !source.is_dir) {
    return storage_error(StorageErrc::is_a_directory, fmt::format("'{}' is a folder", to));
  }
  if (!target.is_dir && source.is_dir) {
    return storage_error(StorageErrc::not_a_directory, fmt::format("'{}' is not a folder", to));
  }
  if (target.is_dir) {
    auto children =
        tx.exec("SELECT 1 FROM netdisk.entries WHERE username = $1 AND parent = $2 LIMIT 1",
                {user, target.path});
    if (!children) return std::move(children).error();
    if (children->rows() > 0) {
      return storage_error(StorageErrc::not_empty, fmt::format("'{}' is not empty", to));
    }
  }
  return {};
}

// $1 user, $2 the source path, $3 its subtree end, $4 the target path, $5 its parent, $6 its
// name: the new path, parent and name of a row of the source's subtree.
constexpr std::string_view kNewPath = "$4::text || substr(path, length($2::text) + 1)";
constexpr std::string_view kNewParent =
    "CASE WHEN path = $2::text THEN $5::text ELSE $4::text || substr(parent, length($2::text) + 1) "
    "END";
constexpr std::string_view kNewName = "CASE WHEN path = $2::text THEN $6::text ELSE name END";

}  // namespace

StorageStatus move_subtree(const SqlRunner& tx, const SqlParams& params) {
  auto moved = tx.exec(fmt::format("UPDATE netdisk.entries SET path = {}, parent = {}, name = {} "
                                   "WHERE username = $1 AND {}",
                                   kNewPath, kNewParent, kNewName, subtree_condition("path")),
                       params);
  if (!moved) return std::move(moved).error();
  // Partials move with their folder, as files beside their target do on a local disk.
  auto partials = tx.exec(fmt::format("UPDATE netdisk.uploads SET path = {} WHERE username = $1 "
                                      "AND {}",
                                      kNewPath, subtree_condition("path")),
                          SqlParams(params.begin(), params.begin() + 4));
  if (!partials) return std::move(partials).error();
  return {};
}

namespace {

StorageStatus copy_rows(const SqlRunner& tx, const SqlParams& params, std::int64_t now) {
  SqlParams with_time = params;
  with_time.push_back(param(now));
  auto copied = tx.exec(
      fmt::format("INSERT INTO netdisk.entries (username, path, parent, name, is_dir, size, "
                  "mtime_ns, version, content_id, checksum, properties) SELECT username, {}, {}, "
                  "{}, is_dir, size, $7::bigint, CASE WHEN is_dir THEN '' ELSE 'v' || "
                  "nextval('netdisk.store_ids') END, content_id, checksum, properties FROM "
                  "netdisk.entries WHERE username = $1 AND {}",
                  kNewPath, kNewParent, kNewName, subtree_condition("path")),
      with_time);
  if (!copied) return std::move(copied).error();
  return {};
}

}  // namespace

StorageStatus ClusterSpace::rename(std::string_view from, std::string_view to, Replace replace) {
  return move_or_copy(from, to, replace, false);
}

StorageStatus ClusterSpace::copy(std::string_view from, std::string_view to, Replace replace) {
  return move_or_copy(from, to, replace, true);
}

StorageStatus ClusterSpace::move_or_copy(std::string_view from, std::string_view to,
                                         Replace replace, bool keep_source) {
  auto source = client_path(from, false);
  if (!source) return std::move(source).error();
  auto target = client_path(to, false);
  if (!target) return std::move(target).error();
  if (target->path.starts_with(source->path + "/")) {
    return storage_error(StorageErrc::bad_name, fmt::format("cannot move '{}' into itself", from));
  }
  std::int64_t now = shared_->now_ns();
  return shared_->db.locked(user_, [&](StoreTx& tx) -> StorageStatus {
    auto row = load_entry(tx, user_, source->path);
    if (!row) return std::move(row).error();
    if (!*row)
      return storage_error(StorageErrc::not_found, fmt::format("'{}' does not exist", from));
    if (auto parent = check_parent(tx, user_, *target); !parent) return parent;
    auto taken = load_entry(tx, user_, target->path);
    if (!taken) return std::move(taken).error();
    if (*taken) {
      if (replace == Replace::yes && target->path == source->path) return {};  // onto itself
      auto allowed = check_replace(tx, user_, **row, **taken, replace == Replace::yes, to);
      if (!allowed) return allowed;
      if (auto gone = delete_subtree(tx, user_, target->path, now, false); !gone) return gone;
    }
    SqlParams params{user_,        source->path,   subtree_end(source->path),
                     target->path, target->parent, target->name};
    return keep_source ? copy_rows(tx, params, now) : move_subtree(tx, params);
  });
}

}  // namespace netdisk::cluster
