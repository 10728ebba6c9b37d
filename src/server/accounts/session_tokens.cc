#include "server/accounts/session_tokens.h"

#include <sodium.h>

#include <fmt/format.h>

namespace netdisk::server {
namespace {

std::string to_hex(const unsigned char* bytes, std::size_t size) {
  std::string out(size * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes, size);
  out.pop_back();
  return out;
}

}  // namespace

std::string SessionTokens::digest(std::string_view token) {
  unsigned char hash[crypto_generichash_BYTES];
  crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), nullptr, 0);
  return std::string(reinterpret_cast<const char*>(hash), sizeof hash);
}

SessionTokens::Issued SessionTokens::issue(const std::string& username) {
  unsigned char random[32];
  randombytes_buf(random, sizeof random);
  auto now = now_();
  Issued issued{to_hex(random, sizeof random), now + lifetime_};
  std::lock_guard lock(mutex_);
  drop_expired(now);
  sessions_[digest(issued.token)] = Session{username, issued.expires};
  return issued;
}

SessionTokens::Lookup SessionTokens::lookup(std::string_view token) {
  auto key = digest(token);
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(key);
  if (it == sessions_.end()) return {};
  if (now_() >= it->second.expires) {
    sessions_.erase(it);
    return {Check::expired, {}};
  }
  return {Check::valid, it->second.username};
}

void SessionTokens::revoke(std::string_view token) {
  auto key = digest(token);
  std::lock_guard lock(mutex_);
  sessions_.erase(key);
}

void SessionTokens::revoke_user(std::string_view username) {
  std::lock_guard lock(mutex_);
  std::erase_if(sessions_, [&](const auto& entry) { return entry.second.username == username; });
}

void SessionTokens::drop_expired(Clock::time_point now) {
  if (now < next_cleanup_) return;
  next_cleanup_ = now + std::chrono::minutes(1);
  std::erase_if(sessions_, [&](const auto& entry) { return now >= entry.second.expires; });
}

}  // namespace netdisk::server
