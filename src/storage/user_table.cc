#include "storage/user_table.h"

#include <array>
#include <optional>
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

// The column letters of 0-based `column` ("A", "E", "AA").
std::string column_name(std::size_t column) {
  std::string name;
  for (++column; column > 0; column = (column - 1) / 26) {
    name.insert(name.begin(), static_cast<char>('A' + (column - 1) % 26));
  }
  return name;
}

// A time cell: ISO 8601 as the server writes it, a date cell (read as that text, see
// read_workbook_sheet) or a date typed as text (parse_typed_time).
Result<std::chrono::system_clock::time_point> parse_time_cell(const SheetRow& row,
                                                               std::size_t column) {
  auto text = cell(row, column);
  if (auto when = parse_typed_time(text)) return *when;
  return make_error(
      Errc::io_error,
      fmt::format("row {}, cell {}{} ({}): {:?} is not a time between 1970 and 2200; type one "
                  "like 2026-11-23T10:04:05Z or 2026-11-23 10:04 (UTC), or format the cell "
                  "as a date",
                  row.number, column_name(column), row.number, kHeader[column], text));
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
  auto registered = parse_time_cell(row, 2);
  if (!registered) return std::move(registered).error();
  user.registered_at = *registered;
  if (!cell(row, 3).empty()) {
    auto last_login = parse_time_cell(row, 3);
    if (!last_login) return std::move(last_login).error();
    user.last_login = *last_login;
  }
  return user;
}

// The server rewrites the whole workbook with these four columns only, so anything an
// administrator wrote right of them would be lost: refused instead, naming the cell.
Status check_no_extra_cells(const SheetRow& row) {
  std::optional<std::size_t> extra = row.ignored_column;
  for (std::size_t column = row.cells.size(); column-- > kHeader.size();) {
    if (!row.cells[column].empty()) extra = column;
  }
  if (!extra) return {};
  auto shown = *extra < row.cells.size() ? fmt::format(" holds {:?}", row.cells[*extra])
                                         : std::string(" is not empty");
  return make_error(Errc::io_error,
                    fmt::format("row {}, cell {}{}{}: the server keeps only the columns "
                                "username | password_hash | registered_at | last_login and "
                                "rewrites the file, so it would be lost; move it elsewhere",
                                row.number, column_name(*extra), row.number, shown));
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
  for (const auto& row : rows) {
    if (auto kept = check_no_extra_cells(row); !kept) return damaged(kept.error());
  }
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
