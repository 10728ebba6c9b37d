#include "server/accounts/login_throttle.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstring>

namespace netdisk::server {
namespace {

// Neither a valid username key nor an address can start with a control character.
const std::string kOverflowKey = "\x01overflow";

}  // namespace

std::string LoginThrottle::address_key(std::string_view address) {
  std::string text(address);
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) != 1) return text;  // IPv4, or "?"
  std::array<char, INET6_ADDRSTRLEN> printed{};
  if (IN6_IS_ADDR_V4MAPPED(&v6)) {
    in_addr v4{};
    std::memcpy(&v4, &v6.s6_addr[12], sizeof v4);
    inet_ntop(AF_INET, &v4, printed.data(), printed.size());
    return printed.data();
  }
  std::fill(std::begin(v6.s6_addr) + 8, std::end(v6.s6_addr), 0);
  inet_ntop(AF_INET6, &v6, printed.data(), printed.size());
  return std::string(printed.data()) + "/64";
}

std::chrono::milliseconds LoginThrottle::delay_after(const Policy& policy, unsigned failures) {
  if (failures < policy.free_failures) return std::chrono::milliseconds(0);
  unsigned doublings = std::min(failures - policy.free_failures, 20u);
  return std::min<std::chrono::milliseconds>(policy.first_delay * (1LL << doublings),
                                             policy.max_delay);
}

std::chrono::milliseconds LoginThrottle::remaining(const Record& record,
                                                   Clock::time_point now) const {
  auto delay = delay_after(policy_, record.failures);
  if (delay.count() == 0) return delay;
  auto allowed_at = record.last_failure + delay;
  if (now >= allowed_at) return std::chrono::milliseconds(0);
  return std::chrono::ceil<std::chrono::milliseconds>(allowed_at - now);
}

const LoginThrottle::Record* LoginThrottle::find(const Table& table, const std::string& key) const {
  if (auto it = table.find(key); it != table.end()) return &it->second;
  if (table.size() < policy_.max_records) return nullptr;
  auto overflow = table.find(kOverflowKey);
  return overflow == table.end() ? nullptr : &overflow->second;
}

LoginThrottle::Record& LoginThrottle::record_for(Table& table, const std::string& key) {
  if (auto it = table.find(key); it != table.end()) return it->second;
  return table[table.size() < policy_.max_records ? key : kOverflowKey];
}

std::chrono::milliseconds LoginThrottle::wait_before_attempt(std::string_view user_key,
                                                             std::string_view address) {
  auto now = now_();
  std::string address_id = address_key(address);
  std::lock_guard lock(mutex_);
  forget_stale(now);
  std::chrono::milliseconds wait{0};
  if (!user_key.empty()) {
    if (const Record* record = find(by_user_, std::string(user_key))) {
      wait = std::max(wait, remaining(*record, now));
    }
  }
  if (const Record* record = find(by_address_, address_id)) {
    wait = std::max(wait, remaining(*record, now));
  }
  return wait;
}

void LoginThrottle::record_failure(std::string_view user_key, std::string_view address) {
  auto now = now_();
  std::string address_id = address_key(address);
  std::lock_guard lock(mutex_);
  auto count = [now](Record& record) {
    ++record.failures;
    record.last_failure = now;
  };
  if (!user_key.empty()) count(record_for(by_user_, std::string(user_key)));
  count(record_for(by_address_, address_id));
}

void LoginThrottle::record_success(std::string_view user_key) {
  std::lock_guard lock(mutex_);
  by_user_.erase(std::string(user_key));
}

std::size_t LoginThrottle::tracked_records() {
  std::lock_guard lock(mutex_);
  return by_user_.size() + by_address_.size();
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
