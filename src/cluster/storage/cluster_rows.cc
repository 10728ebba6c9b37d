// Row helpers of the cluster namespace (cluster_rows.h).
#include "cluster/storage/cluster_rows.h"

#include <fmt/format.h>

#include "storage/safe_path.h"

namespace netdisk::cluster {

using storage::storage_error;
using storage::StorageErrc;
using storage::StorageError;

storage::StorageResult<ClientPath> client_path(std::string_view path, bool allow_root) {
  auto parts = allow_root ? storage::split_user_dir_path(path) : storage::split_user_path(path);
  if (!parts) return storage_error(StorageErrc::bad_name, parts.error().message);
  if (parts->empty()) return ClientPath{};
  ClientPath out;
  out.path = storage::join_components(*parts);
  out.name = parts->back();
  if (parts->size() > 1) out.parent = storage::join_components(*parts, parts->size() - 1);
  return out;
}

ClientPath path_of(std::string path) {
  ClientPath out;
  auto slash = path.rfind('/');
  out.name = slash == std::string::npos ? path : path.substr(slash + 1);
  out.parent = slash == std::string::npos ? std::string() : path.substr(0, slash);
  out.path = std::move(path);
  return out;
}

EntryRow entry_row(const pg::PgResult& result, int row) {
  EntryRow out;
  out.path = std::string(result.text(row, 0));
  out.name = std::string(result.text(row, 1));
  out.is_dir = result.text(row, 2) == "t";
  out.size = static_cast<std::uint64_t>(column_i64(result, row, 3));
  out.mtime_ns = column_i64(result, row, 4);
  out.version = std::string(result.text(row, 5));
  if (!result.is_null(row, 6)) out.content_id = column_i64(result, row, 6);
  out.checksum = column_text(result, row, 7);
  out.properties = std::string(result.text(row, 8));
  return out;
}

storage::DirEntry dir_entry(const EntryRow& row) {
  return storage::DirEntry{row.name, row.is_dir, row.is_dir ? 0 : row.size, row.mtime_ns,
                           row.is_dir ? std::string() : row.version};
}

storage::TargetState target_of(const std::optional<EntryRow>& row) {
  if (!row) return {};
  return storage::TargetState{true, row->is_dir, row->is_dir ? std::string() : row->version,
                              row->mtime_ns, row->is_dir ? 0 : row->size};
}

storage::StorageResult<std::optional<EntryRow>> load_entry(const SqlRunner& sql,
                                                           const std::string& user,
                                                           const std::string& path,
                                                           bool for_update) {
  auto result = sql.exec(fmt::format("SELECT {} FROM netdisk.entries WHERE username = $1 AND "
                                     "path = $2{}",
                                     kEntryColumns, for_update ? " FOR UPDATE" : ""),
                         {user, path});
  if (!result) return std::move(result).error();
  if (result->rows() == 0) return std::optional<EntryRow>();
  return std::optional<EntryRow>(entry_row(*result, 0));
}

storage::StorageStatus check_parent(const SqlRunner& sql, const std::string& user,
                                    const ClientPath& path) {
  if (path.parent.empty()) return {};
  // Walk down from the top so the first missing folder or file on the way decides the error.
  std::size_t end = 0;
  while (end != std::string::npos) {
    end = path.parent.find('/', end + 1);
    std::string folder = path.parent.substr(0, end);
    auto row = load_entry(sql, user, folder);
    if (!row) return std::move(row).error();
    if (!*row) return storage_error(StorageErrc::not_found, fmt::format("'{}' is missing", folder));
    if (!(*row)->is_dir) {
      return storage_error(StorageErrc::not_a_directory, fmt::format("'{}' is a file", folder));
    }
  }
  return {};
}

std::string subtree_condition(std::string_view column) {
  // '0' is the byte after '/': in byte order every path under $2 sorts in [$2/, $20).
  return fmt::format("({0} = $2::text OR ({0} >= $2::text || '/' AND {0} < $3::text))", column);
}

std::string subtree_end(const std::string& path) { return path + "0"; }

storage::StorageResult<std::int64_t> next_id(const SqlRunner& sql) {
  auto result = sql.exec("SELECT nextval('netdisk.store_ids')");
  if (!result) return std::move(result).error();
  return column_i64(*result, 0, 0);
}

std::string id_array(const std::vector<std::int64_t>& ids) {
  return fmt::format("{{{}}}", fmt::join(ids, ","));
}

storage::StorageStatus orphan_unreferenced(const SqlRunner& sql,
                                           const std::vector<std::int64_t>& ids,
                                           std::int64_t now_ns) {
  if (ids.empty()) return {};
  auto done = sql.exec(
      "UPDATE netdisk.contents c SET orphaned_ns = $2 WHERE c.id = ANY($1::bigint[]) AND "
      "c.orphaned_ns IS NULL "
      "AND NOT EXISTS (SELECT 1 FROM netdisk.entries e WHERE e.content_id = c.id) "
      "AND NOT EXISTS (SELECT 1 FROM netdisk.versions v WHERE v.content_id = c.id) "
      "AND NOT EXISTS (SELECT 1 FROM netdisk.uploads u WHERE u.content_id = c.id)",
      {id_array(ids), param(now_ns)});
  if (!done) return std::move(done).error();
  return {};
}

}  // namespace netdisk::cluster
