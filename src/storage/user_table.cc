#include "storage/user_table.h"

#include <algorithm>
#include <unordered_map>

#include <fmt/format.h>

#include "storage/byte_size.h"
#include "storage/iso_time.h"
#include "storage/username.h"

namespace netdisk::storage {
namespace {

constexpr std::size_t column_index(UserColumn column) { return static_cast<std::size_t>(column); }
constexpr std::array kRequired = {UserColumn::username, UserColumn::password_hash,
                                  UserColumn::registered_at};

Error row_problem(std::uint32_t row, std::string what) {
  return make_error(Errc::io_error, fmt::format("row {}: {}", row, what));
}

Error cell_problem(std::string where, std::string what) {
  return make_error(Errc::io_error, fmt::format("{}: {}", where, what));
}

// One data row read through the header's layout.
class RowView {
 public:
  RowView(const SheetRow& row, const UsersSheetLayout& layout) : row_(row), layout_(layout) {}

  std::string_view text(UserColumn column) const {
    auto at = layout_.columns[column_index(column)];
    return at && *at < row_.cells.size() ? std::string_view(row_.cells[*at]) : std::string_view{};
  }
  CellKind kind(UserColumn column) const {
    auto at = layout_.columns[column_index(column)];
    return at && *at < row_.kinds.size() ? row_.kinds[*at] : CellKind::text;
  }
  // "row 7, cell B7 (password_hash)"
  std::string where(UserColumn column) const {
    return fmt::format("row {}, cell {}{} ({})", row_.number,
                       column_letters(*layout_.columns[column_index(column)]), row_.number,
                       kUserColumnNames[column_index(column)]);
  }
  std::uint32_t number() const { return row_.number; }

 private:
  const SheetRow& row_;
  const UsersSheetLayout& layout_;
};

// A name or hash must be a text cell: a spreadsheet reads a typed 007 or 1e5 as a number and
// would otherwise lock its user out without a word.
Status check_text_cell(const RowView& row, UserColumn column) {
  CellKind kind = row.kind(column);
  if (kind == CellKind::text) return {};
  auto value = row.text(column);
  std::string what = kind == CellKind::number ? fmt::format("the number {}", value)
                     : kind == CellKind::date ? fmt::format("the date {}", value)
                                              : fmt::format("the value {:?}", value);
  std::string noun = column == UserColumn::username ? "name" : "password hash";
  return cell_problem(row.where(column),
                      fmt::format("the {} is {}; a {} must be text: type it with a leading "
                                  "apostrophe ('{}) or format the cell as text",
                                  noun, what, noun, value));
}

// A time cell: ISO 8601 as the server writes it, a date cell (read as that text, see
// read_workbook_sheet) or a date typed as text (parse_typed_time).
Result<std::chrono::system_clock::time_point> parse_time_cell(const RowView& row,
                                                              UserColumn column) {
  auto text = row.text(column);
  if (auto when = parse_typed_time(text)) return *when;
  return cell_problem(row.where(column),
                      fmt::format("{:?} is not a time between 1970 and 2200; type one like "
                                  "2026-11-23T10:04:05Z or 2026-11-23 10:04 (UTC), or format the "
                                  "cell as a date",
                                  text));
}

Status parse_admin_columns(const RowView& row, UserRecord& user) {
  std::string state = username_key(row.text(UserColumn::state));
  if (state == "disabled") {
    user.state = AccountState::disabled;
  } else if (!state.empty() && state != "active") {
    return cell_problem(row.where(UserColumn::state),
                        fmt::format("{:?} is not a state; type active or disabled (blank means "
                                    "active)",
                                    row.text(UserColumn::state)));
  }
  std::string role = username_key(row.text(UserColumn::role));
  if (role == "admin") {
    user.role = UserRole::admin;
  } else if (!role.empty() && role != "user") {
    return cell_problem(row.where(UserColumn::role),
                        fmt::format("{:?} is not a role; type admin or leave it blank",
                                    row.text(UserColumn::role)));
  }
  user.quota = std::string(row.text(UserColumn::quota));
  if (user.quota.empty()) return {};
  user.quota_bytes = parse_byte_size(user.quota);
  if (!user.quota_bytes) {
    return cell_problem(row.where(UserColumn::quota),
                        fmt::format("{:?} is not a size; type a byte count or a size such as "
                                    "500 MB or 10 GiB (blank means no quota)",
                                    user.quota));
  }
  return {};
}

// Checks one data row and turns it into a record; the error text says what is wrong with it.
Result<UserRecord> parse_user(const RowView& row) {
  for (auto column : {UserColumn::username, UserColumn::password_hash}) {
    if (auto text = check_text_cell(row, column); !text) return std::move(text).error();
  }
  UserRecord user;
  user.name = std::string(row.text(UserColumn::username));
  if (auto valid = validate_username(user.name); !valid) {
    return cell_problem(row.where(UserColumn::username),
                        fmt::format("{:?}: {}", user.name, valid.error().message));
  }
  user.password_hash = std::string(row.text(UserColumn::password_hash));
  if (user.password_hash.empty()) return row_problem(row.number(), "password_hash is empty");
  auto registered = parse_time_cell(row, UserColumn::registered_at);
  if (!registered) return std::move(registered).error();
  user.registered_at = *registered;
  if (!row.text(UserColumn::last_login).empty()) {
    auto last_login = parse_time_cell(row, UserColumn::last_login);
    if (!last_login) return std::move(last_login).error();
    user.last_login = *last_login;
  }
  if (auto parsed = parse_admin_columns(row, user); !parsed) return std::move(parsed).error();
  return user;
}

// Finds the owned columns by their header text, wherever the administrator moved them.
Result<UsersSheetLayout> read_header(const std::vector<SheetRow>& rows) {
  constexpr std::string_view kExpected =
      "the header row must name the columns username, password_hash and registered_at "
      "(last_login, state, quota and role are added when missing)";
  if (rows.empty()) {
    return make_error(Errc::io_error, fmt::format("the header row is missing; {}", kExpected));
  }
  const SheetRow& header = rows.front();
  UsersSheetLayout layout;
  layout.header_row = header.number;
  layout.last_row = rows.back().number;
  for (std::size_t at = 0; at < header.cells.size(); ++at) {
    auto name = std::find(kUserColumnNames.begin(), kUserColumnNames.end(), header.cells[at]);
    if (name == kUserColumnNames.end()) continue;
    auto& column = layout.columns[static_cast<std::size_t>(name - kUserColumnNames.begin())];
    if (column) {
      return row_problem(header.number, fmt::format("cells {}{} and {}{} are both named {}",
                                                    column_letters(*column), header.number,
                                                    column_letters(at), header.number, *name));
    }
    column = at;
  }
  for (auto required : kRequired) {
    if (!layout.columns[column_index(required)]) {
      return row_problem(header.number, std::string(kExpected));
    }
  }
  return layout;
}

}  // namespace

UsersSheetLayout UsersSheetLayout::fresh(std::size_t users) {
  UsersSheetLayout layout;
  for (std::size_t i = 0; i < kUserColumns; ++i) layout.columns[i] = i;
  for (std::size_t i = 0; i < users; ++i)
    layout.user_rows.push_back(static_cast<std::uint32_t>(i + 2));
  layout.last_row = static_cast<std::uint32_t>(users + 1);
  return layout;
}

std::string_view account_state_name(AccountState state) {
  return state == AccountState::disabled ? "disabled" : "active";
}

std::string_view user_role_name(UserRole role) {
  return role == UserRole::admin ? "admin" : "user";
}

namespace {

// The owned cells of one user, in kUserColumnNames order.
std::vector<std::string> user_cells(const UserRecord& user) {
  return {user.name,
          user.password_hash,
          format_iso8601_utc(user.registered_at),
          user.last_login ? format_iso8601_utc(*user.last_login) : std::string{},
          user.state == AccountState::disabled ? "disabled" : "active",
          user.quota,
          user.role == UserRole::admin ? "admin" : std::string{}};
}

}  // namespace

SheetRows users_to_rows(std::span<const UserRecord> users) {
  SheetRows rows;
  rows.reserve(users.size() + 1);
  rows.emplace_back(kUserColumnNames.begin(), kUserColumnNames.end());
  for (const auto& user : users) rows.push_back(user_cells(user));
  return rows;
}

SheetPatch users_to_patch(const UsersSheetLayout& layout, std::span<const UserRecord> users,
                          std::span<const std::uint32_t> rows) {
  SheetPatch patch;
  for (const auto& column : layout.columns) patch.columns.push_back(column);
  patch.column_names.assign(kUserColumnNames.begin(), kUserColumnNames.end());
  patch.rows.push_back({layout.header_row, {kUserColumnNames.begin(), kUserColumnNames.end()}});
  for (std::size_t i = 0; i < users.size(); ++i)
    patch.rows.push_back({rows[i], user_cells(users[i])});
  std::sort(patch.rows.begin(), patch.rows.end(),
            [](const auto& a, const auto& b) { return a.number < b.number; });
  return patch;
}

Result<UsersSheet> users_from_sheet(const std::vector<SheetRow>& rows, std::string_view file_name) {
  auto damaged = [&](const Error& error) {
    return make_error(Errc::io_error, fmt::format("{} is damaged: {}", file_name, error.message));
  };
  auto layout = read_header(rows);
  if (!layout) return damaged(layout.error());
  UsersSheet sheet{{}, std::move(*layout)};
  std::unordered_map<std::string, std::uint32_t> seen;  // username_key -> row number
  for (std::size_t i = 1; i < rows.size(); ++i) {
    auto user = parse_user(RowView(rows[i], sheet.layout));
    if (!user) return damaged(user.error());
    auto [at, inserted] = seen.emplace(username_key(user->name), rows[i].number);
    if (!inserted) {
      return damaged(row_problem(
          rows[i].number, fmt::format("user {:?} is already on row {}", user->name, at->second)));
    }
    sheet.users.push_back(std::move(*user));
    sheet.layout.user_rows.push_back(rows[i].number);
  }
  return sheet;
}

Result<std::vector<UserRecord>> users_from_rows(const std::vector<SheetRow>& rows,
                                                std::string_view file_name) {
  auto sheet = users_from_sheet(rows, file_name);
  if (!sheet) return std::move(sheet).error();
  return std::move(sheet->users);
}

}  // namespace netdisk::storage
