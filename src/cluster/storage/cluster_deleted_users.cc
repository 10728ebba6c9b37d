#include "cluster/storage/cluster_deleted_users.h"

#include <fmt/format.h>

#include "cluster/storage/cluster_rows.h"
#include "storage/deleted_folders.h"
#include "storage/errc_bridge.h"
#include "storage/storage_error.h"

namespace netdisk::cluster {
namespace {

using storage::StorageErrc;
using storage::StorageResult;
using storage::StorageStatus;

constexpr int kMaxSameSecond = 100;  // as the local folders allow

std::string kept_key(std::string_view kept_as) { return fmt::format("deleted/{}", kept_as); }

std::int64_t ns_of(storage::DeletedUsers::WallTime when) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(when.time_since_epoch()).count();
}

Error to_error(const storage::StorageError& error) { return storage::errc_error_of(error); }

StorageResult<bool> has_rows(StoreTx& tx, const std::string& user) {
  auto found = tx.exec(
      "SELECT EXISTS (SELECT 1 FROM netdisk.entries WHERE username = $1) OR EXISTS (SELECT 1 "
      "FROM netdisk.versions WHERE username = $1) OR EXISTS (SELECT 1 FROM netdisk.uploads "
      "WHERE username = $1)",
      {user});
  if (!found) return std::move(found).error();
  return found->text(0, 0) == "t";
}

// Claims a kept name: the dated one, or ".2", ".3", ... after it when that is taken.
StorageResult<std::string> claim_name(StoreTx& tx, const std::string& user,
                                      storage::DeletedUsers::WallTime when) {
  const std::string base = storage::deleted_folder_name(user, when);
  std::string name = base;
  for (int n = 2; n <= kMaxSameSecond; ++n) {
    auto claimed = tx.exec(
        "INSERT INTO netdisk.deleted_users (kept_as, username, deleted_ns) VALUES ($1, $2, $3) "
        "ON CONFLICT DO NOTHING",
        {name, user, param(ns_of(when))});
    if (!claimed) return std::move(claimed).error();
    if (claimed->affected() == 1) return name;
    name = fmt::format("{}.{}", base, n);
  }
  return storage::storage_error(StorageErrc::io_error,
                                "too many deletions of this user in one second");
}

// Ends the user's upload sessions; the contents they were filling are orphaned.
StorageStatus end_uploads(StoreTx& tx, const std::string& user, std::int64_t now_ns) {
  auto ended =
      tx.exec("DELETE FROM netdisk.uploads WHERE username = $1 RETURNING content_id", {user});
  if (!ended) return std::move(ended).error();
  std::vector<std::int64_t> ids;
  for (int i = 0; i < ended->rows(); ++i) ids.push_back(column_i64(*ended, i, 0));
  return orphan_unreferenced(tx, ids, now_ns);
}

StorageStatus move_rows(StoreTx& tx, const std::string& from, const std::string& to) {
  for (const char* table : {"entries", "versions", "trash"}) {
    auto moved = tx.exec(
        fmt::format("UPDATE netdisk.{} SET username = $2 WHERE username = $1", table), {from, to});
    if (!moved) return std::move(moved).error();
  }
  return {};
}

}  // namespace

Result<std::optional<std::string>> ClusterDeletedUsers::set_aside(std::string_view username,
                                                                  WallTime when) {
  const std::string user(username);
  auto kept = db_.locked_result<std::optional<std::string>>(
      user, [&](StoreTx& tx) -> StorageResult<std::optional<std::string>> {
        auto any = has_rows(tx, user);
        if (!any) return std::move(any).error();
        if (!*any) return std::optional<std::string>();
        auto name = claim_name(tx, user, when);
        if (!name) return std::move(name).error();
        if (auto ended = end_uploads(tx, user, clock_ns_()); !ended)
          return std::move(ended).error();
        if (auto moved = move_rows(tx, user, kept_key(*name)); !moved) {
          return std::move(moved).error();
        }
        return std::optional<std::string>(std::move(*name));
      });
  if (!kept) return to_error(kept.error());
  return std::move(*kept);
}

Status ClusterDeletedUsers::remove(std::string_view kept_as) {
  const std::string key = kept_key(kept_as);
  auto done = db_.locked(key, [&](StoreTx& tx) -> StorageStatus {
    auto ids = tx.exec(
        "SELECT content_id FROM netdisk.entries WHERE username = $1 AND content_id IS NOT NULL "
        "UNION SELECT content_id FROM netdisk.versions WHERE username = $1",
        {key});
    if (!ids) return std::move(ids).error();
    std::vector<std::int64_t> contents;
    for (int i = 0; i < ids->rows(); ++i) contents.push_back(column_i64(*ids, i, 0));
    for (const char* table : {"versions", "trash", "entries"}) {
      auto gone = tx.exec(fmt::format("DELETE FROM netdisk.{} WHERE username = $1", table), {key});
      if (!gone) return std::move(gone).error();
    }
    if (auto o = orphan_unreferenced(tx, contents, clock_ns_()); !o) return std::move(o).error();
    auto row =
        tx.exec("DELETE FROM netdisk.deleted_users WHERE kept_as = $1", {std::string(kept_as)});
    if (!row) return std::move(row).error();
    if (row->affected() == 0) {
      return storage::storage_error(StorageErrc::not_found,
                                    "no deleted user is kept under that name");
    }
    return {};
  });
  if (!done) return to_error(done.error());
  return {};
}

Result<std::size_t> ClusterDeletedUsers::sweep(std::chrono::seconds retention, WallTime now) {
  auto due = db_.exec("SELECT kept_as FROM netdisk.deleted_users WHERE deleted_ns <= $1",
                      {param(ns_of(now - retention))});
  if (!due) return to_error(due.error());
  std::size_t removed = 0;
  for (int i = 0; i < due->rows(); ++i) {
    auto gone = remove(due->text(i, 0));
    if (!gone.ok() && gone.error().code != Errc::not_found) return std::move(gone).error();
    if (gone.ok()) ++removed;
  }
  return removed;
}

}  // namespace netdisk::cluster
