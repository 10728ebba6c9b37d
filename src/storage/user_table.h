// UserRecord and its place in users.xlsx: one sheet "users", a header row
// "username | password_hash | registered_at | last_login", then one row per user with times as
// ISO 8601 UTC text. Converts records to sheet rows and back, checking what comes back from a
// file a person may have edited. Pure functions, safe from any thread.
#pragma once

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "storage/workbook_reader.h"
#include "storage/workbook_writer.h"

namespace netdisk::storage {

struct UserRecord {
  std::string name;           // as the user typed it; unique without regard to case
  std::string password_hash;  // "$argon2id$..." from PasswordHasher
  std::chrono::system_clock::time_point registered_at;
  std::optional<std::chrono::system_clock::time_point> last_login;

  friend bool operator==(const UserRecord&, const UserRecord&) = default;
};

inline constexpr std::string_view kUsersSheet = "users";

// The header row followed by one row per user, in the order given. Times lose their
// sub-second part.
SheetRows users_to_rows(std::span<const UserRecord> users);

// The users in `rows` (as read_workbook_sheet returns them). The first row must be the header;
// rows must hold a valid username, a password hash and valid times, and no name may repeat
// (case-insensitively). Errors: io_error "<file_name> is damaged: row N: ...".
Result<std::vector<UserRecord>> users_from_rows(const std::vector<SheetRow>& rows,
                                                std::string_view file_name);

}  // namespace netdisk::storage
