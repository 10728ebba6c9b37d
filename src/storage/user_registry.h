// UserRegistry: every account, held in memory and persisted as the users.xlsx workbook, which
// the administrator may edit at any time. Thread-safe (one internal mutex). Registrations are
// group-committed: one caller rewrites the workbook while the others queue, and the next
// rewrite carries everything queued by then. Before every rewrite, and whenever
// check_for_edits() is called, the registry compares the file with the version it last read or
// wrote (FileIdentity); an edited file is read again and becomes the truth, with the pending
// changes applied on top. An edited file with an error is never overwritten: the registry
// keeps serving what it has, refuses to write, and reports the error once per version of the
// file. Every call may block on disk: call it from the blocking thread pool, never an I/O
// thread. The file layout is in user_table.h; the write protocols in workbook_writer.h (a new
// workbook) and workbook_patcher.h (an existing one).
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
#include "storage/account_store.h"
#include "storage/file_identity.h"
#include "storage/user_table.h"
#include "storage/workbook_patcher.h"
#include "storage/workbook_writer.h"

namespace netdisk::storage {

// The most users one workbook holds (the reader's row limit, less the header row).
inline constexpr std::size_t kMaxUsers = WorkbookLimits{}.max_rows - 1;

class UserRegistry final : public AccountStore {
 public:
  // One rewrite: the whole sheet when there is no workbook yet (`base` empty), else the patch
  // of the version `base`.
  struct WorkbookWrite {
    std::string_view sheet_name;
    const SheetRows* rows = nullptr;
    const SheetPatch* patch = nullptr;
    std::optional<FileIdentity> base;
  };
  // How the registry saves the workbook: save_workbook, or a fault-injecting stand-in in tests.
  using WriteFn =
      std::function<Result<WrittenWorkbook>(const std::filesystem::path&, const WorkbookWrite&)>;
  // create_workbook() for a new workbook, patch_workbook() for an existing one.
  static Result<WrittenWorkbook> save_workbook(const std::filesystem::path& path,
                                               const WorkbookWrite& write);
  // Receives each problem with the workbook once (for the log).
  using ReportFn = AccountStore::ReportFn;

  // Loads the workbook at `workbook_path`. A missing file means no users yet. A damaged one
  // returns an io_error whose message says so ("users.xlsx is damaged: ..."), and the file is
  // left untouched. Removes stale temporary files (kTempPrefix) beside it. not_found when the
  // directory does not exist.
  static Result<std::unique_ptr<UserRegistry>> open(std::filesystem::path workbook_path,
                                                    WriteFn write = save_workbook);

  ~UserRegistry() override = default;
  UserRegistry(const UserRegistry&) = delete;
  UserRegistry& operator=(const UserRegistry&) = delete;

  // The user whose name matches `name` without regard to case.
  std::optional<UserRecord> find(std::string_view name) const override;

  // Adds a user; returns only once a workbook holding that user is durably on disk. Times are
  // kept to whole seconds, as the workbook stores them. Errors: invalid_username,
  // invalid_password (empty hash), user_exists (case-insensitive, also against registrations
  // queued in the same batch and against a row the administrator added meanwhile), disk_full
  // or io_error (the user is not added; memory matches the disk), io_error when kMaxUsers is
  // reached, workbook_invalid when the edited workbook has an error (the message names the
  // row) or content a rewrite cannot carry (a formula in an owned column, a table); either is
  // reported once per version of the file (set_reporter).
  Status add(UserRecord record) override;

  // Replaces a user's password hash; returns only once a workbook holding it is durably on
  // disk (the same group commit as add()). Errors: not_found (no such user), invalid_password
  // (empty hash), disk_full or io_error (the old hash stays, in memory and on disk).
  Status set_password(std::string_view name, std::string password_hash) override;

  // Changes a user's state, quota or role (the administrator's commands): `change` is applied
  // to the record, which must keep its name and hash. Durable before it returns, group-committed
  // as add(). Errors: not_found (naming the user), disk_full, io_error, workbook_invalid.
  using Change = AccountStore::Change;
  Status update(std::string_view name, Change change) override;

  // Takes the user's row out of the workbook (the rest of the file is kept, see
  // SheetPatch::removed); durable before it returns. Errors: as update().
  Status remove(std::string_view name) override;

  // Records a login time in memory; it is written with the next rewrite or flush(). Unknown
  // names are ignored.
  void note_login(std::string_view name, std::chrono::system_clock::time_point when) override;

  // Rewrites the workbook if login times are pending (group-committed with other writers).
  // On failure (workbook_invalid, disk_full, io_error) the login times stay pending for the
  // next rewrite.
  Status flush() override;

  // What check_for_edits() found: the users the administrator added and removed, by name.
  using Edits = AccountStore::Edits;
  // Reads the workbook again if it changed since the registry last read or wrote it. A valid
  // file becomes the truth (login times not yet written are kept for the users still in it).
  // Errors: io_error when the file has an error ("users.xlsx is damaged: row N: ..."): the
  // registry keeps what it had, and every rewrite fails until the file is fixed.
  Result<Edits> check_for_edits() override;

  // Where problems with the workbook are reported, once per version of the file.
  void set_reporter(ReportFn report) override;

  std::size_t size() const override;
  // Every user's name as the registry spells it, in workbook order.
  std::vector<std::string> names() const override;
  std::string describe() const override { return path_.filename().string(); }
  std::uint64_t rewrites() const;  // successful workbook rewrites since open (for tests)
  std::size_t queued() const;      // callers waiting for the next rewrite (for tests)
  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  // One caller waiting for a rewrite: a registration, a change to the user of `key` (a new
  // password hash, a state, ...), the removal of that user, or a flush when all are empty.
  struct Waiter {
    std::optional<UserRecord> record;
    std::string key;
    Change change;
    bool remove = false;
    bool done = false;
    Status status;
  };

  UserRegistry(std::filesystem::path path, WriteFn write, UsersSheet sheet,
               std::optional<FileIdentity> identity);

  Status wait_for_commit(std::unique_lock<std::mutex>& lock, Waiter& waiter);
  void commit_batch(std::unique_lock<std::mutex>& lock);
  // One attempt at writing `batch`: the file is read again first if it changed.
  Status write_batch(std::unique_lock<std::mutex>& lock, std::vector<Waiter*>& batch);
  // Queues a change or removal of the existing user `name` and waits for its rewrite.
  Status change_user(std::string_view name, Change change, bool remove);
  // After a successful rewrite: the changes and removals of `batch` made in memory too.
  void apply_changes(const std::vector<Waiter*>& changing);
  // Reads the file again if it is not the version last read or written; called by the one
  // writer (writing_), unlocks while reading.
  Result<Edits> reload_if_changed(std::unique_lock<std::mutex>& lock);
  void adopt(UsersSheet sheet, FileIdentity identity, Edits& edits);
  void rebuild_index();
  void report(std::string message);

  const std::filesystem::path path_;
  const WriteFn write_;

  mutable std::mutex mutex_;
  std::condition_variable changed_;  // a rewrite or a check finished
  std::vector<UserRecord> users_;    // what is on disk, plus login times not yet written
  UsersSheetLayout layout_;          // where users_ sit in the file (user_rows parallel)
  std::optional<FileIdentity> identity_;  // the version last read or written; none: no file
  std::optional<FileIdentity> broken_;    // a version found to have an error
  std::string broken_message_;
  std::optional<FileIdentity> unwritable_;  // a version the patcher refused to rewrite
  std::unordered_map<std::string, std::size_t> index_;  // username_key -> position in users_
  std::unordered_map<std::string, std::chrono::system_clock::time_point> pending_logins_;
  std::vector<Waiter*> queue_;                   // waiting for the next rewrite
  std::unordered_set<std::string> queued_keys_;  // keys of queued registrations
  ReportFn report_;
  bool writing_ = false;  // a rewrite or a check is under way (one at a time)
  std::uint64_t rewrites_ = 0;
  std::uint64_t finished_writes_ = 0;  // rewrites (successful or not) and checks
};

}  // namespace netdisk::storage
