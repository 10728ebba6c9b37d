#include "server/accounts/login_tokens.h"

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

std::string LoginTokens::digest(std::string_view token) {
  unsigned char hash[crypto_generichash_BYTES];
  crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), nullptr, 0);
  return std::string(reinterpret_cast<const char*>(hash), sizeof hash);
}

LoginTokens::Issued LoginTokens::issue(const std::string& username) {
  unsigned char random[32];
  randombytes_buf(random, sizeof random);
  auto now = now_();
  Issued issued{to_hex(random, sizeof random), now + lifetime_};
  std::lock_guard lock(mutex_);
  drop_expired(now);
  entries_[digest(issued.token)] = Entry{username, issued.expires};
  return issued;
}

LoginTokens::Lookup LoginTokens::lookup(std::string_view token) {
  auto key = digest(token);
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return {};
  if (now_() >= it->second.expires) {
    entries_.erase(it);
    return {Check::expired, {}};
  }
  return {Check::valid, it->second.username};
}

void LoginTokens::revoke(std::string_view token) {
  auto key = digest(token);
  std::lock_guard lock(mutex_);
  entries_.erase(key);
}

void LoginTokens::revoke_user(std::string_view username) {
  std::lock_guard lock(mutex_);
  std::erase_if(entries_, [&](const auto& entry) { return entry.second.username == username; });
}

void LoginTokens::drop_expired(Clock::time_point now) {
  if (now < next_cleanup_) return;
  next_cleanup_ = now + std::chrono::minutes(1);
  std::erase_if(entries_, [&](const auto& entry) { return now >= entry.second.expires; });
}

}  // namespace netdisk::server
