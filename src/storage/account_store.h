// AccountStore: where AccountService keeps the accounts. Two implementations: UserRegistry
// (users.xlsx, the single-machine default) and cluster::PgAccountStore (the table
// netdisk.users in PostgreSQL, shared by every node of a cluster). find(), size() and names()
// read memory only and never block; every other call may block on disk or the network: run
// it on the blocking pool, never an I/O thread. Implementations are thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "storage/user_table.h"

namespace netdisk::storage {

class AccountStore {
 public:
  virtual ~AccountStore() = default;

  // The user whose name matches `name` without regard to case, as held in memory now.
  virtual std::optional<UserRecord> find(std::string_view name) const = 0;
  // The same, read from the shared store first when this node may not know the user yet (an
  // account registered or changed on another node). A store this process alone writes answers
  // from memory. May block: blocking pool only.
  virtual std::optional<UserRecord> find_fresh(std::string_view name) { return find(name); }

  // Adds a user, durably. Errors: user_exists (without regard to case), invalid_username,
  // invalid_password, disk_full, io_error, server_busy (the shared store is unreachable).
  virtual Status add(UserRecord record) = 0;
  // Replaces a user's password hash, durably. Errors: not_found, invalid_password, io_error.
  virtual Status set_password(std::string_view name, std::string password_hash) = 0;
  // Changes a user's state, quota or role; the record keeps its name and hash.
  using Change = std::function<void(UserRecord&)>;
  virtual Status update(std::string_view name, Change change) = 0;
  virtual Status remove(std::string_view name) = 0;

  // Records a login time in memory; written by the next flush(). Unknown names are ignored.
  virtual void note_login(std::string_view name, std::chrono::system_clock::time_point when) = 0;
  virtual Status flush() = 0;

  // What check_for_edits() found: the users added and removed since the last look, by name.
  struct Edits {
    bool reloaded = false;
    std::vector<std::string> added;
    std::vector<std::string> removed;
  };
  // Reads the store again if it changed behind this process's back (an administrator's edit
  // of users.xlsx; another node's registration or removal).
  virtual Result<Edits> check_for_edits() = 0;

  // Where problems with the store are reported (for the log).
  using ReportFn = std::function<void(const std::string&)>;
  virtual void set_reporter(ReportFn report) = 0;

  virtual std::size_t size() const = 0;
  // Every user's name as the store spells it (users.xlsx: in workbook order).
  virtual std::vector<std::string> names() const = 0;
  // What the log calls this store ("users.xlsx", "PostgreSQL netdisk.users").
  virtual std::string describe() const = 0;
};

}  // namespace netdisk::storage
