#include "storage/user_registry.h"

#include <sys/stat.h>

#include <cerrno>
#include <system_error>

#include <fmt/format.h>

#include "storage/atomic_file.h"
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

}  // namespace

Result<std::unique_ptr<UserRegistry>> UserRegistry::open(fs::path workbook_path, WriteFn write) {
  fs::path dir = workbook_path.parent_path().empty() ? "." : workbook_path.parent_path();
  struct stat info {};
  if (::stat(dir.c_str(), &info) != 0) return error_from_errno(errno, "open user registry folder");
  if (!S_ISDIR(info.st_mode)) {
    return make_error(Errc::not_a_directory, "user registry folder is not a directory");
  }
  remove_stale_temps(dir);

  std::vector<UserRecord> users;
  auto rows = read_workbook_sheet(workbook_path, kUsersSheet);
  if (rows) {
    auto loaded = users_from_rows(*rows, workbook_path.filename().string());
    if (!loaded) return std::move(loaded).error();
    users = std::move(*loaded);
  } else if (rows.error().code != Errc::not_found) {
    return std::move(rows).error();
  }
  return std::unique_ptr<UserRegistry>(
      new UserRegistry(std::move(workbook_path), std::move(write), std::move(users)));
}

UserRegistry::UserRegistry(fs::path path, WriteFn write, std::vector<UserRecord> users)
    : path_(std::move(path)), write_(std::move(write)), users_(std::move(users)) {
  for (std::size_t i = 0; i < users_.size(); ++i) index_.emplace(username_key(users_[i].name), i);
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
  Waiter waiter{std::move(record), key, {}, false, {}};
  queued_keys_.insert(std::move(key));
  queue_.push_back(&waiter);
  return wait_for_commit(lock, waiter);
}

Status UserRegistry::set_password(std::string_view name, std::string password_hash) {
  if (password_hash.empty()) {
    return make_error(Errc::invalid_password, "a user needs a password hash");
  }
  std::unique_lock lock(mutex_);
  Waiter waiter{std::nullopt, username_key(name), std::move(password_hash), false, {}};
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
  logins_pending_ = true;
}

Status UserRegistry::flush() {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (logins_pending_) {
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

void UserRegistry::commit_batch(std::unique_lock<std::mutex>& lock) {
  writing_ = true;
  std::vector<Waiter*> batch = std::exchange(queue_, {});
  std::vector<UserRecord> snapshot = users_;
  for (const Waiter* waiter : batch) {
    if (waiter->record) snapshot.push_back(*waiter->record);
    // Users are never removed while the server runs, so the index still holds the position.
    if (waiter->new_hash) snapshot[index_.at(waiter->key)].password_hash = *waiter->new_hash;
  }
  bool carried_logins = std::exchange(logins_pending_, false);

  // The slow part runs unlocked: finds, logins and new registrations go on meanwhile.
  lock.unlock();
  Status written = write_(path_, kUsersSheet, users_to_rows(snapshot));
  lock.lock();

  writing_ = false;
  ++finished_writes_;
  if (written) {
    ++rewrites_;
  } else if (carried_logins) {
    logins_pending_ = true;
  }
  for (Waiter* waiter : batch) {
    if (waiter->record) {
      if (written) {
        index_.emplace(waiter->key, users_.size());
        users_.push_back(std::move(*waiter->record));
      }
      queued_keys_.erase(waiter->key);
    } else if (waiter->new_hash && written) {
      users_[index_.at(waiter->key)].password_hash = std::move(*waiter->new_hash);
    }
    waiter->status = written;
    waiter->done = true;
  }
  changed_.notify_all();
}

}  // namespace netdisk::storage
