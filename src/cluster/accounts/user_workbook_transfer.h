// The administrator's Excel view of a cluster's accounts: `netdiskd admin export-users
// FILE.xlsx` writes every account of netdisk.users to a workbook in the users.xlsx format
// (docs/ARCHITECTURE.md, "users.xlsx": names, hashes, dates, state, quota, role), and
// `import-users FILE.xlsx` reads such a workbook back, checked row by row as users.xlsx is, and
// inserts or replaces each account by name. Main thread of `netdiskd admin`; blocks.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "cluster/accounts/pg_account_store.h"
#include "common/result.h"

namespace netdisk::cluster {

// Returns how many accounts were written. The file is replaced atomically. Errors: those of
// PostgreSQL (server_busy, io_error) and of the workbook writer (disk_full, io_error, ...).
Result<std::size_t> export_users(PgAccountStore& store, const std::filesystem::path& workbook);
struct ImportedUsers {
  std::size_t count = 0;
  // Accounts that existed and now have another password hash or are disabled: their logins
  // must end (the caller revokes them through Redis).
  std::vector<std::string> to_revoke;
};
// All or none (one transaction). Errors: not_found (no such file), io_error naming the damaged
// row, and PostgreSQL's.
Result<ImportedUsers> import_users(PgAccountStore& store, const std::filesystem::path& workbook);

}  // namespace netdisk::cluster
