// UserRecord and its place in users.xlsx: a sheet "users" whose first row names the columns
// the server owns (username | password_hash | registered_at | last_login | state | quota | role, in
// any order and anywhere in columns A-P), then one row per user with times as ISO 8601 UTC
// text. Other columns, rows of formatting and other sheets belong to the administrator and
// survive the server's rewrites (workbook_patcher.h). Converts records to sheet rows and back,
// checking what comes back from a file a person may have edited. Pure functions, safe from any
// thread. The format is described in docs/ARCHITECTURE.md, "users.xlsx".
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "storage/workbook_patcher.h"
#include "storage/workbook_reader.h"
#include "storage/workbook_writer.h"

namespace netdisk::storage {

enum class AccountState : std::uint8_t { active, disabled };
// An admin account also sees the administrator's user list in the web page (docs/ADMIN.md).
enum class UserRole : std::uint8_t { user, admin };

struct UserRecord {
  std::string name;           // as the user typed it; unique without regard to case
  std::string password_hash;  // "$argon2id$..." from PasswordHasher
  std::chrono::system_clock::time_point registered_at;
  std::optional<std::chrono::system_clock::time_point> last_login;
  AccountState state = AccountState::active;  // a disabled user cannot log in
  std::string quota{};  // as the administrator typed it ("10 GiB"); empty: no quota
  std::optional<std::uint64_t> quota_bytes{};  // `quota` parsed (parse_byte_size)
  UserRole role = UserRole::user;              // the role column: "admin" or blank

  friend bool operator==(const UserRecord&, const UserRecord&) = default;
};

inline constexpr std::string_view kUsersSheet = "users";

// The columns the server owns, in the order a fresh workbook has them.
enum class UserColumn : std::uint8_t {
  username,
  password_hash,
  registered_at,
  last_login,
  state,
  quota,
  role
};
inline constexpr std::size_t kUserColumns = 7;
inline constexpr std::array<std::string_view, kUserColumns> kUserColumnNames = {
    "username", "password_hash", "registered_at", "last_login", "state", "quota", "role"};

// Where the owned columns sit in a users sheet as read: the header's row, the 0-based column
// of each owned header (nullopt when an older workbook lacks it), and each user's row.
struct UsersSheetLayout {
  std::uint32_t header_row = 1;
  std::array<std::optional<std::size_t>, kUserColumns> columns;
  std::vector<std::uint32_t> user_rows;  // parallel to the users read
  std::uint32_t last_row = 1;            // the last row holding a cell

  // The layout of a fresh workbook written by users_to_rows() with `users` users.
  static UsersSheetLayout fresh(std::size_t users);
};

struct UsersSheet {
  std::vector<UserRecord> users;
  UsersSheetLayout layout;
};

// The header row followed by one row per user, in the order given, every owned column in
// kUserColumnNames order. Times lose their sub-second part.
SheetRows users_to_rows(std::span<const UserRecord> users);

// The owned cells of `users` for patch_workbook(): `rows[i]` is the row of users[i] (a row
// past layout.last_row for a user not yet in the file). Owned columns the file lacks are given
// the first free columns right of every column in use, headers included.
SheetPatch users_to_patch(const UsersSheetLayout& layout, std::span<const UserRecord> users,
                          std::span<const std::uint32_t> rows);

// The users in `rows` (as read_workbook_sheet returns them). The first row must be the header
// naming at least username, password_hash and registered_at; each later row must hold a
// username and a password hash as text (a number there is refused: a spreadsheet turns a typed
// 007 into 7), valid times, a state of active or disabled (blank: active) and a quota
// parse_byte_size accepts (blank: none), a role of admin or user (blank: user); no name may
// repeat (case-insensitively).
// Errors: io_error "<file_name> is damaged: row N: ...".
Result<UsersSheet> users_from_sheet(const std::vector<SheetRow>& rows, std::string_view file_name);

// users_from_sheet() without the layout.
Result<std::vector<UserRecord>> users_from_rows(const std::vector<SheetRow>& rows,
                                                std::string_view file_name);

std::string_view account_state_name(AccountState state);
std::string_view user_role_name(UserRole role);  // "admin" or "user"

}  // namespace netdisk::storage
