#include "server/accounts/session_book.h"

#include <spdlog/spdlog.h>

#include "server/logging/component_log.h"

namespace netdisk::server {

SessionBook::SessionBook(std::unique_ptr<storage::SessionStore> store,
                         std::chrono::seconds lifetime, LoginTokens::Now now)
    : store_(std::move(store)), tokens_(lifetime, std::move(now)) {
  load();
}

void SessionBook::load() {
  auto records = store_->load();
  if (records) {
    auto total = records->size();
    auto left_out = tokens_.restore(std::move(*records));
    log_of(LogComponent::accounts)
        .info("{} login sessions restored ({} expired or past the bounds dropped)",
              total - left_out, left_out);
    return;
  }
  // A damaged store must not stop the server, nor be overwritten unseen by the next login:
  // it is kept aside for the administrator, and users log in again.
  auto aside = store_->set_aside();
  log_of(LogComponent::accounts)
      .error("the login sessions file cannot be read ({}); {}; every user must log in again",
             records.error().message,
             aside ? "it was set aside as " + *aside
                   : "it could not be set aside either (" + aside.error().message + ")");
}

Result<LoginTokens::Issued> SessionBook::issue(const std::string& username) {
  std::unique_lock lock(mutex_);
  auto issued = tokens_.issue(username);
  if (!issued) return issued;
  auto written = commit(lock, ++changes_);
  if (!written.ok() && written.error().code == Errc::disk_full) {
    // On a full disk people must still log in, if only to delete files and make room: the
    // session is kept in memory, and the next rewrite that succeeds makes it durable. Until
    // then a restart ends it, which is all it risks.
    log_of(LogComponent::accounts)
        .warn("the disk is full: {}'s new login session lasts only until a restart", username);
    return issued;
  }
  if (!written.ok()) {
    // Still under mutex_: no later rewrite can carry a login whose token nobody received.
    tokens_.revoke(issued->token);
    ++changes_;
    return std::move(written).error();
  }
  return issued;
}

Status SessionBook::revoke(std::string_view token) {
  std::unique_lock lock(mutex_);
  if (!tokens_.revoke(token)) return {};
  revocations_.fetch_add(1);
  return commit(lock, ++changes_);
}

Status SessionBook::revoke_user(std::string_view username, std::string_view keep_token) {
  std::unique_lock lock(mutex_);
  if (!tokens_.revoke_user(username, keep_token)) return {};
  revocations_.fetch_add(1);
  return commit(lock, ++changes_);
}

std::uint64_t SessionBook::rewrites() const {
  std::lock_guard lock(mutex_);
  return rewrites_;
}

Status SessionBook::commit(std::unique_lock<std::mutex>& lock, std::uint64_t generation) {
  for (;;) {
    written_.wait(lock, [&] { return !writing_ || durable_ >= generation; });
    if (durable_ >= generation) return {};
    // A rewrite that started after this change and failed answers for it: retrying would
    // only repeat the failure once per waiter.
    if (last_covered_ >= generation) return last_status_;
    writing_ = true;
    std::uint64_t covered = changes_;
    auto records = tokens_.snapshot();
    lock.unlock();  // logins and lookups go on while the disk works
    Status status = store_->save(records);
    lock.lock();
    writing_ = false;
    last_covered_ = covered;
    last_status_ = status;
    if (status.ok()) {
      durable_ = covered;
      ++rewrites_;
    } else {
      log_of(LogComponent::accounts)
          .error("writing the login sessions file: {}", status.error().message);
    }
    written_.notify_all();
  }
}

}  // namespace netdisk::server
