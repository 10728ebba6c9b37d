#include "server/dav/lock_rules.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstdio>

namespace netdisk::server::dav {

std::string new_lock_token() {
  std::array<unsigned char, 16> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0f) | 0x40);
  bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3f) | 0x80);
  std::string token = "urn:uuid:";
  char hex[3];
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) token += '-';
    std::snprintf(hex, sizeof hex, "%02x", bytes[i]);
    token += hex;
  }
  return token;
}

std::chrono::seconds granted_timeout(const LockTable::Limits& limits, std::chrono::seconds asked) {
  if (asked.count() <= 0) return limits.default_timeout;
  return std::min(asked, limits.max_timeout);
}

bool lock_conflicts(std::span<const ActiveLock> held, std::string_view path,
                    const LockRequest& request) {
  ActiveLock asked;
  asked.root = std::string(path);
  asked.depth = request.depth;
  for (const auto& lock : held) {
    bool overlap = lock.covers(path) || asked.covers(lock.root);
    if (!overlap) continue;
    if (lock.scope == LockScope::exclusive || request.scope == LockScope::exclusive) return true;
  }
  return false;
}

std::optional<std::string> blocking_root(std::span<const ActiveLock> held, std::string_view path,
                                         std::span<const std::string> submitted, bool subtree) {
  for (const auto& lock : held) {
    bool relevant = lock.covers(path) || (subtree && path_within(lock.root, path));
    if (!relevant) continue;
    if (std::find(submitted.begin(), submitted.end(), lock.token) == submitted.end()) {
      return lock.root;
    }
  }
  return std::nullopt;
}

std::vector<ActiveLock> covering_of(std::span<const ActiveLock> held, std::string_view path) {
  std::vector<ActiveLock> found;
  for (const auto& lock : held) {
    if (lock.covers(path)) found.push_back(lock);
  }
  return found;
}

}  // namespace netdisk::server::dav
