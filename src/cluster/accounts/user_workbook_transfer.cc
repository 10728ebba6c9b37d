#include "cluster/accounts/user_workbook_transfer.h"

#include <unordered_map>

#include "storage/user_table.h"
#include "storage/username.h"
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

Result<ImportedUsers> import_users(PgAccountStore& store, const std::filesystem::path& workbook) {
  auto rows = storage::read_workbook_sheet(workbook, storage::kUsersSheet);
  if (!rows) return std::move(rows).error();
  auto users = storage::users_from_rows(*rows, workbook.filename().string());
  if (!users) return std::move(users).error();
  auto before = store.read_all();
  if (!before) return std::move(before).error();
  std::unordered_map<std::string, const storage::UserRecord*> old;
  for (const auto& user : *before) old.emplace(storage::username_key(user.name), &user);
  if (auto stored = store.upsert_all(*users); !stored.ok()) return std::move(stored).error();
  ImportedUsers imported{users->size(), {}};
  for (const auto& user : *users) {
    auto was = old.find(storage::username_key(user.name));
    if (was == old.end()) continue;
    if (was->second->password_hash != user.password_hash ||
        user.state == storage::AccountState::disabled) {
      imported.to_revoke.push_back(user.name);
    }
  }
  return imported;
}

}  // namespace netdisk::cluster
