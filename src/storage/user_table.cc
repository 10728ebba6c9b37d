#include "storage/user_table.h"

#include <array>
#include <unordered_map>

#include <fmt/format.h>

#include "storage/iso_time.h"
#include "storage/username.h"

namespace netdisk::storage {
namespace {

constexpr std::array<std::string_view, 4> kHeader = {"username", "password_hash", "registered_at",
                                                     "last_login"};

std::string_view cell(const SheetRow& row, std::size_t column) {
  return column < row.cells.size() ? std::string_view(row.cells[column]) : std::string_view{};
}

// Checks one data row and turns it into a record; the error text says what is wrong with it.
Result<UserRecord> parse_user(const SheetRow& row) {
  auto problem = [&](std::string what) {
    return make_error(Errc::io_error, fmt::format("row {}: {}", row.number, what));
  };
  UserRecord user;
  user.name = std::string(cell(row, 0));
  if (auto valid = validate_username(user.name); !valid) {
    return problem(fmt::format("{:?}: {}", user.name, valid.error().message));
  }
  user.password_hash = std::string(cell(row, 1));
  if (user.password_hash.empty()) return problem("password_hash is empty");
  auto registered = parse_iso8601_utc(cell(row, 2));
  if (!registered) {
    return problem(
        fmt::format("registered_at {:?} is not a time like 2026-11-23T10:04:05Z", cell(row, 2)));
  }
  user.registered_at = *registered;
  if (!cell(row, 3).empty()) {
    user.last_login = parse_iso8601_utc(cell(row, 3));
    if (!user.last_login) {
      return problem(
          fmt::format("last_login {:?} is not a time like 2026-11-23T10:04:05Z", cell(row, 3)));
    }
  }
  return user;
}

Status check_header(const std::vector<SheetRow>& rows) {
  if (rows.empty()) return make_error(Errc::io_error, "the header row is missing");
  const SheetRow& header = rows.front();
  for (std::size_t i = 0; i < kHeader.size(); ++i) {
    if (cell(header, i) != kHeader[i]) {
      return make_error(Errc::io_error,
                        fmt::format("row {}: the header row must be \"username | password_hash | "
                                    "registered_at | last_login\"",
                                    header.number));
    }
  }
  return {};
}

}  // namespace

SheetRows users_to_rows(std::span<const UserRecord> users) {
  SheetRows rows;
  rows.reserve(users.size() + 1);
  rows.emplace_back(kHeader.begin(), kHeader.end());
  for (const auto& user : users) {
    rows.push_back({user.name, user.password_hash, format_iso8601_utc(user.registered_at),
                    user.last_login ? format_iso8601_utc(*user.last_login) : std::string{}});
  }
  return rows;
}

Result<std::vector<UserRecord>> users_from_rows(const std::vector<SheetRow>& rows,
                                                std::string_view file_name) {
  auto damaged = [&](const Error& error) {
    return make_error(Errc::io_error, fmt::format("{} is damaged: {}", file_name, error.message));
  };
  if (auto header = check_header(rows); !header) return damaged(header.error());
  std::vector<UserRecord> users;
  std::unordered_map<std::string, std::uint32_t> seen;  // username_key -> row number
  for (std::size_t i = 1; i < rows.size(); ++i) {
    auto user = parse_user(rows[i]);
    if (!user) return damaged(user.error());
    auto [at, inserted] = seen.emplace(username_key(user->name), rows[i].number);
    if (!inserted) {
      return damaged(
          make_error(Errc::io_error, fmt::format("row {}: user {:?} is already on row {}",
                                                 rows[i].number, user->name, at->second)));
    }
    users.push_back(std::move(*user));
  }
  return users;
}

}  // namespace netdisk::storage
