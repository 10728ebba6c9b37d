#include "server/accounts/credential_cache.h"

#include <sodium.h>

#include <cstring>
#include <stdexcept>

namespace netdisk::server {

CredentialCache::CredentialCache(Policy policy, Now now)
    : policy_(policy), ttl_(policy.ttl), now_(std::move(now)) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium cannot start");
  randombytes_buf(key_.data(), key_.size());
}

CredentialCache::~CredentialCache() { sodium_memzero(key_.data(), key_.size()); }

std::size_t CredentialCache::DigestHash::operator()(const Digest& digest) const noexcept {
  // The digest is already uniform (a keyed BLAKE2b output): its first bytes are the hash.
  std::size_t value = 0;
  std::memcpy(&value, digest.data(), sizeof value);
  return value;
}

CredentialCache::Digest CredentialCache::credentials_digest(std::string_view user_key,
                                                            std::string_view password) const {
  // The name's length goes first, so ("ab", "c") and ("a", "bc") never share a digest.
  std::uint64_t name_bytes = user_key.size();
  unsigned char length[8];
  for (int i = 0; i < 8; ++i) length[i] = static_cast<unsigned char>(name_bytes >> (8 * i));
  crypto_generichash_state state;
  crypto_generichash_init(&state, key_.data(), key_.size(), sizeof(Digest));
  crypto_generichash_update(&state, length, sizeof length);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(user_key.data()),
                            user_key.size());
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(password.data()),
                            password.size());
  Digest digest;
  crypto_generichash_final(&state, digest.data(), digest.size());
  sodium_memzero(&state, sizeof state);
  return digest;
}

CredentialCache::Digest CredentialCache::keyed_digest(std::string_view text) const {
  Digest digest;
  crypto_generichash(digest.data(), digest.size(),
                     reinterpret_cast<const unsigned char*>(text.data()), text.size(), key_.data(),
                     key_.size());
  return digest;
}

void CredentialCache::erase(std::unordered_map<Digest, Entry, DigestHash>::iterator it) {
  oldest_first_.erase(it->second.age);
  entries_.erase(it);
}

bool CredentialCache::verified(std::string_view user_key, std::string_view password,
                               std::string_view stored_hash) {
  if (!enabled()) return false;
  auto key = credentials_digest(user_key, password);
  auto stored = keyed_digest(stored_hash);
  auto now = now_();
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return false;
  // Valid only while the registry still holds the hash the password was checked against, so
  // a changed password or a removed and re-created account never matches an old entry.
  bool same_hash = sodium_memcmp(it->second.stored_hash.data(), stored.data(), stored.size()) == 0;
  if (!same_hash || now >= it->second.expires) {
    erase(it);
    return false;
  }
  return true;
}

void CredentialCache::remember(std::string_view user_key, std::string_view password,
                               std::string_view stored_hash) {
  if (!enabled()) return;
  auto key = credentials_digest(user_key, password);
  auto stored = keyed_digest(stored_hash);
  auto now = now_();
  std::lock_guard lock(mutex_);
  if (auto it = entries_.find(key); it != entries_.end()) erase(it);
  // Every entry lives the same TTL, so the oldest is also the first to expire: dropping from
  // the front both frees expired entries and keeps the bound.
  while (!oldest_first_.empty()) {
    auto front = entries_.find(oldest_first_.front());
    if (entries_.size() < policy_.max_entries && now < front->second.expires) break;
    erase(front);
  }
  oldest_first_.push_back(key);
  entries_.emplace(
      key, Entry{std::string(user_key), stored, now + ttl_.load(), std::prev(oldest_first_.end())});
}

void CredentialCache::set_ttl(std::chrono::seconds ttl) {
  // Under the lock, as remember() reads the TTL: no entry made with the old TTL survives.
  std::lock_guard lock(mutex_);
  ttl_.store(ttl);
  entries_.clear();
  oldest_first_.clear();
}

void CredentialCache::forget_user(std::string_view user_key) {
  std::lock_guard lock(mutex_);
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (it->second.user_key == user_key) {
      oldest_first_.erase(it->second.age);
      it = entries_.erase(it);
    } else {
      ++it;
    }
  }
}

void CredentialCache::clear() {
  std::lock_guard lock(mutex_);
  entries_.clear();
  oldest_first_.clear();
}

std::size_t CredentialCache::size() {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace netdisk::server
