#include "storage/user_registry.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

#include <fmt/format.h>

#include "storage/atomic_file.h"
#include "storage/file_identity.h"
#include "storage/username.h"

namespace netdisk::storage {
namespace {

namespace fs = std::filesystem;
using std::chrono::floor;
using std::chrono::seconds;

// Temporary files of an interrupted rewrite; only regular files, never followed links.
void remove_stale_temps(const fs::path& dir) {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->path().filename().string().starts_with(kTempPrefix)) continue;
    std::error_code type_ec;
    if (it->symlink_status(type_ec).type() == fs::file_type::regular) {
      fs::remove(it->path(), type_ec);
    }
  }
}

// The users in the workbook at `path` as it is now, and its identity; nullopt when missing.
Result<std::optional<std::pair<UsersSheet, FileIdentity>>> read_users(const fs::path& path) {
  using Found = std::optional<std::pair<UsersSheet, FileIdentity>>;
  auto identity = identity_of(path);
  if (!identity) return std::move(identity).error();
  if (!*identity) return Found{};
  auto rows = read_workbook_sheet(path, kUsersSheet);
  if (!rows) {
    if (rows.error().code == Errc::not_found) return Found{};
    return std::move(rows).error();
  }
  auto sheet = users_from_sheet(*rows, path.filename().string());
  if (!sheet) return std::move(sheet).error();
  return Found{std::pair{std::move(*sheet), **identity}};
}

}  // namespace

Result<WrittenWorkbook> UserRegistry::save_workbook(const fs::path& path,
                                                    const WorkbookWrite& write) {
  if (write.base) return patch_workbook(path, write.sheet_name, *write.patch, *write.base);
  auto identity = create_workbook(path, write.sheet_name, *write.rows);
  if (!identity) return std::move(identity).error();
  std::vector<std::size_t> columns;
  for (std::size_t i = 0; i < kUserColumns; ++i) columns.push_back(i);
  return WrittenWorkbook{*identity, std::move(columns)};
}

Result<std::unique_ptr<UserRegistry>> UserRegistry::open(fs::path workbook_path, WriteFn write) {
  fs::path dir = workbook_path.parent_path().empty() ? "." : workbook_path.parent_path();
  struct stat info {};
  if (::stat(dir.c_str(), &info) != 0) return error_from_errno(errno, "open user registry folder");
  if (!S_ISDIR(info.st_mode)) {
    return make_error(Errc::not_a_directory, "user registry folder is not a directory");
  }
  remove_stale_temps(dir);

  auto found = read_users(workbook_path);
  if (!found) return std::move(found).error();
  UsersSheet sheet{{}, UsersSheetLayout::fresh(0)};
  std::optional<FileIdentity> identity;
  if (*found) {
    sheet = std::move((*found)->first);
    identity = (*found)->second;
  }
  return std::unique_ptr<UserRegistry>(
      new UserRegistry(std::move(workbook_path), std::move(write), std::move(sheet), identity));
}

UserRegistry::UserRegistry(fs::path path, WriteFn write, UsersSheet sheet,
                           std::optional<FileIdentity> identity)
    : path_(std::move(path)),
      write_(std::move(write)),
      users_(std::move(sheet.users)),
      layout_(std::move(sheet.layout)),
      identity_(identity) {
  rebuild_index();
}

void UserRegistry::rebuild_index() {
  index_.clear();
  for (std::size_t i = 0; i < users_.size(); ++i) index_.emplace(username_key(users_[i].name), i);
}

void UserRegistry::set_reporter(ReportFn report) {
  std::lock_guard lock(mutex_);
  report_ = std::move(report);
}

void UserRegistry::report(std::string message) {
  if (report_) report_(message);
}

std::optional<UserRecord> UserRegistry::find(std::string_view name) const {
  std::string key = username_key(name);
  std::lock_guard lock(mutex_);
  auto at = index_.find(key);
  if (at == index_.end()) return std::nullopt;
  return users_[at->second];
}

Status UserRegistry::add(UserRecord record) {
  if (auto valid = validate_username(record.name); !valid) return valid;
  if (record.password_hash.empty()) {
    return make_error(Errc::invalid_password, "a user needs a password hash");
  }
  record.registered_at = floor<seconds>(record.registered_at);
  if (record.last_login) record.last_login = floor<seconds>(*record.last_login);
  std::string key = username_key(record.name);

  std::unique_lock lock(mutex_);
  if (index_.contains(key) || queued_keys_.contains(key)) {
    return make_error(Errc::user_exists, fmt::format("user \"{}\" already exists", record.name));
  }
  if (users_.size() + queued_keys_.size() >= kMaxUsers) {
    return make_error(Errc::io_error,
                      fmt::format("the user registry is full ({} users)", kMaxUsers));
  }
  Waiter waiter{std::move(record), key, {}, false, false, {}};
  queued_keys_.insert(std::move(key));
  queue_.push_back(&waiter);
  return wait_for_commit(lock, waiter);
}

Status UserRegistry::set_password(std::string_view name, std::string password_hash) {
  if (password_hash.empty()) {
    return make_error(Errc::invalid_password, "a user needs a password hash");
  }
  return change_user(
      name, [hash = std::move(password_hash)](UserRecord& user) { user.password_hash = hash; },
      false);
}

Status UserRegistry::update(std::string_view name, Change change) {
  return change_user(name, std::move(change), false);
}

Status UserRegistry::remove(std::string_view name) { return change_user(name, {}, true); }

Status UserRegistry::change_user(std::string_view name, Change change, bool remove) {
  std::unique_lock lock(mutex_);
  Waiter waiter{std::nullopt, username_key(name), std::move(change), remove, false, {}};
  if (!index_.contains(waiter.key)) {
    return make_error(Errc::not_found, fmt::format("no user \"{}\"", name));
  }
  queue_.push_back(&waiter);
  return wait_for_commit(lock, waiter);
}

void UserRegistry::note_login(std::string_view name, std::chrono::system_clock::time_point when) {
  std::string key = username_key(name);
  std::lock_guard lock(mutex_);
  auto at = index_.find(key);
  if (at == index_.end()) return;
  users_[at->second].last_login = floor<seconds>(when);
  pending_logins_[key] = floor<seconds>(when);
}

Status UserRegistry::flush() {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (!pending_logins_.empty()) {
      Waiter waiter;
      queue_.push_back(&waiter);
      return wait_for_commit(lock, waiter);
    }
    if (!writing_) return {};
    // The rewrite under way carries the pending logins; if it fails they become pending again.
    std::uint64_t seen = finished_writes_;
    changed_.wait(lock, [&] { return finished_writes_ != seen; });
  }
}

std::vector<std::string> UserRegistry::names() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  out.reserve(users_.size());
  for (const auto& user : users_) out.push_back(user.name);
  return out;
}

std::size_t UserRegistry::size() const {
  std::lock_guard lock(mutex_);
  return users_.size();
}

std::uint64_t UserRegistry::rewrites() const {
  std::lock_guard lock(mutex_);
  return rewrites_;
}

std::size_t UserRegistry::queued() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

Status UserRegistry::wait_for_commit(std::unique_lock<std::mutex>& lock, Waiter& waiter) {
  // Either a rewrite that started after we queued finishes us, or no rewrite is running and we
  // become the writer for everything queued so far (which includes us).
  changed_.wait(lock, [&] { return waiter.done || !writing_; });
  if (!waiter.done) commit_batch(lock);
  return waiter.status;
}

Result<UserRegistry::Edits> UserRegistry::check_for_edits() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return !writing_; });
  writing_ = true;
  auto edits = reload_if_changed(lock);
  writing_ = false;
  ++finished_writes_;  // wakes a flush() that waited for this turn to end
  changed_.notify_all();
  return edits;
}

Result<UserRegistry::Edits> UserRegistry::reload_if_changed(std::unique_lock<std::mutex>& lock) {
  // Even a stat runs unlocked: find() is called from I/O threads and must never wait on the
  // disk. The state read after it is stable, as this caller is the one writer (writing_).
  lock.unlock();
  auto now = identity_of(path_);
  lock.lock();
  if (!now) return std::move(now).error();
  if (!*now) {
    // A workbook removed by hand is written again, from memory, at the next rewrite.
    identity_.reset();
    return Edits{};
  }
  if (*now == identity_) return Edits{};
  if (*now == broken_) return make_error(Errc::io_error, broken_message_);
  lock.unlock();
  auto found = read_users(path_);
  lock.lock();
  if (!found || !*found) {
    // Reported once per version of the file; every rewrite fails until it is fixed.
    broken_ = *now;
    broken_message_ =
        found ? std::string("the workbook disappeared while it was read") : found.error().message;
    report(
        fmt::format("{}; the server keeps the users it had and will not rewrite the file "
                    "until it is fixed",
                    broken_message_));
    return make_error(Errc::io_error, broken_message_);
  }
  if (broken_) report(fmt::format("{} is valid again", path_.filename().string()));
  broken_.reset();
  Edits edits;
  adopt(std::move((*found)->first), (*found)->second, edits);
  return edits;
}

void UserRegistry::adopt(UsersSheet sheet, FileIdentity identity, Edits& edits) {
  edits.reloaded = true;
  std::unordered_set<std::string> now;
  for (const auto& user : sheet.users) {
    auto key = username_key(user.name);
    if (!index_.contains(key)) edits.added.push_back(user.name);
    now.insert(std::move(key));
  }
  for (const auto& user : users_) {
    if (!now.contains(username_key(user.name))) edits.removed.push_back(user.name);
  }
  users_ = std::move(sheet.users);
  layout_ = std::move(sheet.layout);
  identity_ = identity;
  rebuild_index();
  // Login times not yet written go on top; those of users the administrator removed go.
  for (auto at = pending_logins_.begin(); at != pending_logins_.end();) {
    auto user = index_.find(at->first);
    if (user == index_.end()) {
      at = pending_logins_.erase(at);
      continue;
    }
    users_[user->second].last_login = at->second;
    ++at;
  }
}

void UserRegistry::commit_batch(std::unique_lock<std::mutex>& lock) {
  writing_ = true;
  std::vector<Waiter*> batch = std::exchange(queue_, {});
  // The administrator may save the file between our check and our rename; the patcher then
  // refuses (version_mismatch) and the next attempt reads their version first.
  constexpr int kAttempts = 3;
  Status written;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    written = write_batch(lock, batch);
    if (written || written.error().code != Errc::version_mismatch) break;
  }
  writing_ = false;
  ++finished_writes_;
  if (written) ++rewrites_;
  for (Waiter* waiter : batch) {
    if (waiter->record) queued_keys_.erase(waiter->key);
    if (!waiter->done) waiter->status = written;
    waiter->done = true;
  }
  changed_.notify_all();
}

Status UserRegistry::write_batch(std::unique_lock<std::mutex>& lock, std::vector<Waiter*>& batch) {
  if (auto reloaded = reload_if_changed(lock); !reloaded) {
    return make_error(Errc::workbook_invalid,
                      fmt::format("the accounts workbook has an error, and the server "
                                  "administrator must fix it: {}",
                                  reloaded.error().message));
  }
  std::vector<UserRecord> snapshot = users_;
  std::vector<std::uint32_t> rows = layout_.user_rows;
  std::vector<Waiter*> adding;
  std::vector<Waiter*> changing;  // changes to users already on file (a new password, removal)
  std::vector<bool> removed(users_.size(), false);
  for (Waiter* waiter : batch) {
    if (waiter->done) continue;
    if (waiter->change || waiter->remove) {
      auto at = index_.find(waiter->key);
      if (at == index_.end() || removed[at->second]) {  // the administrator removed the user
        waiter->status = make_error(Errc::not_found, "the user is no longer in the workbook");
        waiter->done = true;
        continue;
      }
      if (waiter->change) waiter->change(snapshot[at->second]);
      if (waiter->remove) removed[at->second] = true;
      changing.push_back(waiter);
      continue;
    }
    if (!waiter->record) continue;
    if (index_.contains(waiter->key)) {  // the administrator added that name meanwhile
      waiter->status = make_error(Errc::user_exists,
                                  fmt::format("user \"{}\" already exists", waiter->record->name));
      waiter->done = true;
      continue;
    }
    snapshot.push_back(*waiter->record);
    rows.push_back(static_cast<std::uint32_t>(layout_.last_row + 1 + adding.size()));
    adding.push_back(waiter);
  }
  // The kept users and their rows; a removed user's row goes from the file.
  std::vector<UserRecord> kept;
  std::vector<std::uint32_t> kept_rows;
  std::vector<std::uint32_t> gone_rows;
  for (std::size_t i = 0; i < snapshot.size(); ++i) {
    if (i < removed.size() && removed[i]) {
      gone_rows.push_back(rows[i]);
      continue;
    }
    kept.push_back(snapshot[i]);
    kept_rows.push_back(rows[i]);
  }
  auto carried = std::exchange(pending_logins_, {});
  SheetRows whole;
  SheetPatch patch;
  if (identity_) {
    patch = users_to_patch(layout_, kept, kept_rows);
    patch.removed = std::move(gone_rows);
  } else {
    whole = users_to_rows(kept);
  }
  WorkbookWrite write{kUsersSheet, &whole, &patch, identity_};

  // The slow part runs unlocked: finds, logins and new registrations go on meanwhile.
  lock.unlock();
  auto done = write_(path_, write);
  lock.lock();
  if (!done) {
    for (auto& [key, when] : carried) pending_logins_.try_emplace(key, when);
    // Content the server cannot carry (a formula in its columns, a table): said once per
    // version of the file, as a file with an error is.
    if (done.error().code == Errc::workbook_invalid && unwritable_ != identity_) {
      unwritable_ = identity_;
      report(done.error().message);
    }
    return std::move(done).error();
  }
  bool fresh = !identity_;
  identity_ = done->identity;
  std::size_t before = users_.size();
  for (Waiter* waiter : adding) {
    index_.emplace(waiter->key, users_.size());
    users_.push_back(std::move(*waiter->record));
    waiter->done = true;
    waiter->status = {};
  }
  if (!fresh) {
    for (std::size_t i = before; i < users_.size(); ++i) layout_.user_rows.push_back(rows[i]);
    if (!rows.empty()) layout_.last_row = std::max(layout_.last_row, rows.back());
  }
  apply_changes(changing);
  if (fresh) layout_ = UsersSheetLayout::fresh(users_.size());
  for (std::size_t i = 0; i < kUserColumns && i < done->columns.size(); ++i) {
    layout_.columns[i] = done->columns[i];
  }
  return {};
}

void UserRegistry::apply_changes(const std::vector<Waiter*>& changing) {
  std::vector<std::size_t> gone;
  for (Waiter* waiter : changing) {
    std::size_t at = index_.at(waiter->key);
    if (waiter->change) waiter->change(users_[at]);
    if (waiter->remove) {
      gone.push_back(at);
      pending_logins_.erase(waiter->key);
    }
    waiter->done = true;
    waiter->status = {};
  }
  if (gone.empty()) return;
  // From the back, so the positions still to erase stay valid; user_rows is parallel.
  std::sort(gone.rbegin(), gone.rend());
  for (std::size_t at : gone) {
    users_.erase(users_.begin() + static_cast<std::ptrdiff_t>(at));
    if (at < layout_.user_rows.size()) {
      layout_.user_rows.erase(layout_.user_rows.begin() + static_cast<std::ptrdiff_t>(at));
    }
  }
  rebuild_index();
}

}  // namespace netdisk::storage
