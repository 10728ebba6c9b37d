// UserRegistry: every account, held in memory and persisted as the users.xlsx workbook.
// Thread-safe (one internal mutex). Registrations are group-committed: one caller rewrites the
// workbook while the others queue, and the next rewrite carries everything queued by then.
// Every call may block on disk: call it from the blocking thread pool, never an I/O thread.
// The file layout is in user_table.h; the write protocol in workbook_writer.h.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/result.h"
#include "storage/user_table.h"
#include "storage/workbook_writer.h"

namespace netdisk::storage {

// The most users one workbook holds (the reader's row limit, less the header row).
inline constexpr std::size_t kMaxUsers = WorkbookLimits{}.max_rows - 1;

class UserRegistry {
 public:
  // How the registry saves the workbook: write_workbook, or a fault-injecting stand-in in tests.
  using WriteFn =
      std::function<Status(const std::filesystem::path&, std::string_view, const SheetRows&)>;

  // Loads the workbook at `workbook_path`. A missing file means no users yet. A damaged one
  // returns an io_error whose message says so ("users.xlsx is damaged: ..."), and the file is
  // left untouched. Removes stale temporary files (kTempPrefix) beside it. not_found when the
  // directory does not exist.
  static Result<std::unique_ptr<UserRegistry>> open(std::filesystem::path workbook_path,
                                                    WriteFn write = write_workbook);

  UserRegistry(const UserRegistry&) = delete;
  UserRegistry& operator=(const UserRegistry&) = delete;

  // The user whose name matches `name` without regard to case.
  std::optional<UserRecord> find(std::string_view name) const;

  // Adds a user; returns only once a workbook holding that user is durably on disk. Times are
  // kept to whole seconds, as the workbook stores them. Errors: invalid_username,
  // invalid_password (empty hash), user_exists (case-insensitive, also against registrations
  // queued in the same batch), disk_full or io_error (the user is not added; memory matches
  // the disk), io_error when kMaxUsers is reached.
  Status add(UserRecord record);

  // Replaces a user's password hash; returns only once a workbook holding it is durably on
  // disk (the same group commit as add()). Errors: not_found (no such user), invalid_password
  // (empty hash), disk_full or io_error (the old hash stays, in memory and on disk).
  Status set_password(std::string_view name, std::string password_hash);

  // Records a login time in memory; it is written with the next rewrite or flush(). Unknown
  // names are ignored.
  void note_login(std::string_view name, std::chrono::system_clock::time_point when);

  // Rewrites the workbook if login times are pending (group-committed with other writers).
  // On failure the login times stay pending for the next rewrite.
  Status flush();

  std::size_t size() const;
  // Every user's name as the registry spells it, in workbook order.
  std::vector<std::string> names() const;
  std::uint64_t rewrites() const;  // successful workbook rewrites since open (for tests)
  std::size_t queued() const;      // callers waiting for the next rewrite (for tests)
  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  // One caller waiting for a rewrite: a registration, a new password hash (for the user of
  // `key`), or a flush when both are empty.
  struct Waiter {
    std::optional<UserRecord> record;
    std::string key;
    std::optional<std::string> new_hash;
    bool done = false;
    Status status;
  };

  UserRegistry(std::filesystem::path path, WriteFn write, std::vector<UserRecord> users);

  Status wait_for_commit(std::unique_lock<std::mutex>& lock, Waiter& waiter);
  void commit_batch(std::unique_lock<std::mutex>& lock);

  const std::filesystem::path path_;
  const WriteFn write_;

  mutable std::mutex mutex_;
  std::condition_variable changed_;  // a rewrite finished
  std::vector<UserRecord> users_;    // what is on disk, plus login times not yet written
  std::unordered_map<std::string, std::size_t> index_;  // username_key -> position in users_
  std::vector<Waiter*> queue_;                          // waiting for the next rewrite
  std::unordered_set<std::string> queued_keys_;         // keys of queued registrations
  bool writing_ = false;
  bool logins_pending_ = false;
  std::uint64_t rewrites_ = 0;
  std::uint64_t finished_writes_ = 0;  // successful or not
};

}  // namespace netdisk::storage
