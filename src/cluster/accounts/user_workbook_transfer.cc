#include "cluster/accounts/user_workbook_transfer.h"

#include "storage/user_table.h"
#include "storage/workbook_reader.h"
#include "storage/workbook_writer.h"

namespace netdisk::cluster {

Result<std::size_t> export_users(PgAccountStore& store, const std::filesystem::path& workbook) {
  auto users = store.read_all();
  if (!users) return std::move(users).error();
  auto rows = storage::users_to_rows(*users);
  if (auto written = storage::write_workbook(workbook, storage::kUsersSheet, rows); !written.ok())
    return std::move(written).error();
  return users->size();
}

Result<std::size_t> import_users(PgAccountStore& store, const std::filesystem::path& workbook) {
  auto rows = storage::read_workbook_sheet(workbook, storage::kUsersSheet);
  if (!rows) return std::move(rows).error();
  auto users = storage::users_from_rows(*rows, workbook.filename().string());
  if (!users) return std::move(users).error();
  if (auto stored = store.upsert_all(*users); !stored.ok()) return std::move(stored).error();
  return users->size();
}

}  // namespace netdisk::cluster
