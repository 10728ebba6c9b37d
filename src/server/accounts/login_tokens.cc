#include "server/accounts/login_tokens.h"

#include "server/accounts/secret_text.h"

#include <algorithm>

#include <fmt/format.h>

namespace netdisk::server {

std::string LoginTokens::digest(std::string_view token) { return digest_hex(token); }

Result<LoginTokens::Issued> LoginTokens::issue(const std::string& username) {
  auto now = now_();
  Issued issued{random_hex(32), now + lifetime_.load()};
  std::lock_guard lock(mutex_);
  drop_expired(now);
  if (entries_.size() >= kMaxTotal) {
    // Force the sweep: the count above may still hold logins that expired this minute.
    next_cleanup_ = {};
    drop_expired(now);
    if (entries_.size() >= kMaxTotal) {
      return make_error(Errc::server_busy, "too many open sessions on the server; try later");
    }
  }
  insert(digest(issued.token), Entry{username, now, issued.expires});
  return issued;
}

void LoginTokens::insert(std::string key, Entry entry) {
  auto& count = per_user_[entry.username];
  if (count >= kMaxPerUser) {
    auto oldest = entries_.end();
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->second.username != entry.username) continue;
      if (oldest == entries_.end() || it->second.issued < oldest->second.issued) oldest = it;
    }
    if (oldest != entries_.end()) {
      entries_.erase(oldest);
      --count;
    }
  }
  if (entries_.emplace(std::move(key), std::move(entry)).second) ++count;
}

LoginTokens::Lookup LoginTokens::lookup(std::string_view token) {
  auto key = digest(token);
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return {};
  if (now_() >= it->second.expires) {
    // Said once; the sessions file drops it with its next rewrite or load.
    if (--per_user_[it->second.username] == 0) per_user_.erase(it->second.username);
    entries_.erase(it);
    return {Check::expired, {}};
  }
  return {Check::valid, it->second.username, it->second.issued};
}

bool LoginTokens::revoke(std::string_view token) { return revoke_digest(digest(token)); }

bool LoginTokens::revoke_digest(std::string_view key) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(std::string(key));
  if (it == entries_.end()) return false;
  if (--per_user_[it->second.username] == 0) per_user_.erase(it->second.username);
  entries_.erase(it);
  return true;
}

bool LoginTokens::revoke_user(std::string_view username, std::string_view keep_token) {
  return revoke_user_but_digest(username, keep_token.empty() ? std::string() : digest(keep_token));
}

bool LoginTokens::revoke_user_but_digest(std::string_view username, std::string_view keep) {
  std::lock_guard lock(mutex_);
  auto removed = std::erase_if(entries_, [&](const auto& entry) {
    return entry.second.username == username && entry.first != keep;
  });
  if (removed == 0) return false;
  auto count = per_user_.find(std::string(username));
  if (count != per_user_.end() && (count->second -= removed) == 0) per_user_.erase(count);
  return true;
}

void LoginTokens::remember(std::string key, std::string username, Clock::time_point issued,
                           Clock::time_point expires) {
  auto now = now_();
  if (now >= expires) return;
  std::lock_guard lock(mutex_);
  drop_expired(now);
  // A cache: when full, it is emptied rather than refusing, since Redis still holds them all.
  if (entries_.size() >= kMaxTotal) {
    entries_.clear();
    per_user_.clear();
  }
  if (entries_.contains(key)) return;
  insert(std::move(key), Entry{std::move(username), issued, expires});
}

void LoginTokens::clear() {
  std::lock_guard lock(mutex_);
  entries_.clear();
  per_user_.clear();
}

std::vector<storage::SessionRecord> LoginTokens::snapshot() {
  std::lock_guard lock(mutex_);
  next_cleanup_ = {};
  drop_expired(now_());
  std::vector<storage::SessionRecord> records;
  records.reserve(entries_.size());
  for (const auto& [key, entry] : entries_) {
    records.push_back({key, entry.username, entry.issued, entry.expires});
  }
  return records;
}

std::size_t LoginTokens::restore(std::vector<storage::SessionRecord> records) {
  // Newest first, so that the bounds keep a user's latest logins.
  std::sort(records.begin(), records.end(),
            [](const auto& a, const auto& b) { return a.issued > b.issued; });
  auto now = now_();
  std::lock_guard lock(mutex_);
  entries_.clear();
  per_user_.clear();
  std::size_t left_out = 0;
  for (auto& record : records) {
    bool full = entries_.size() >= kMaxTotal || per_user_[record.username] >= kMaxPerUser;
    if (now >= record.expires || full || entries_.contains(record.digest)) {
      ++left_out;
      continue;
    }
    insert(std::move(record.digest),
           Entry{std::move(record.username), record.issued, record.expires});
  }
  std::erase_if(per_user_, [](const auto& count) { return count.second == 0; });
  return left_out;
}

std::size_t LoginTokens::size() {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

void LoginTokens::drop_expired(Clock::time_point now) {
  if (now < next_cleanup_) return;
  next_cleanup_ = now + std::chrono::minutes(1);
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (now < it->second.expires) {
      ++it;
      continue;
    }
    if (--per_user_[it->second.username] == 0) per_user_.erase(it->second.username);
    it = entries_.erase(it);
  }
}

}  // namespace netdisk::server
