#include "server/accounts/login_throttle.h"

#include <algorithm>

namespace netdisk::server {

std::chrono::milliseconds LoginThrottle::remaining(const Record& record,
                                                   Clock::time_point now) const {
  if (record.failures < policy_.free_failures) return std::chrono::milliseconds(0);
  unsigned doublings = std::min(record.failures - policy_.free_failures, 20u);
  std::chrono::milliseconds delay = std::min<std::chrono::milliseconds>(
      policy_.first_delay * (1LL << doublings), policy_.max_delay);
  auto allowed_at = record.last_failure + delay;
  if (now >= allowed_at) return std::chrono::milliseconds(0);
  return std::chrono::ceil<std::chrono::milliseconds>(allowed_at - now);
}

std::chrono::milliseconds LoginThrottle::wait_before_attempt(std::string_view user_key,
                                                             std::string_view address) {
  auto now = Clock::now();
  std::lock_guard lock(mutex_);
  forget_stale(now);
  std::chrono::milliseconds wait{0};
  if (auto it = by_user_.find(std::string(user_key)); it != by_user_.end()) {
    wait = std::max(wait, remaining(it->second, now));
  }
  if (auto it = by_address_.find(std::string(address)); it != by_address_.end()) {
    wait = std::max(wait, remaining(it->second, now));
  }
  return wait;
}

void LoginThrottle::record_failure(std::string_view user_key, std::string_view address) {
  auto now = Clock::now();
  std::lock_guard lock(mutex_);
  for (auto* record : {&by_user_[std::string(user_key)], &by_address_[std::string(address)]}) {
    ++record->failures;
    record->last_failure = now;
  }
}

void LoginThrottle::record_success(std::string_view user_key) {
  std::lock_guard lock(mutex_);
  by_user_.erase(std::string(user_key));
}

void LoginThrottle::forget_stale(Clock::time_point now) {
  if (now < next_cleanup_) return;
  next_cleanup_ = now + std::chrono::seconds(30);
  auto stale = [&](const auto& entry) {
    return now - entry.second.last_failure > policy_.forget_after;
  };
  std::erase_if(by_user_, stale);
  std::erase_if(by_address_, stale);
}

}  // namespace netdisk::server
