#include "server/accounts/throttle_store.h"

namespace netdisk::server {

namespace asio = boost::asio;

asio::awaitable<std::chrono::milliseconds> LocalThrottleStore::wait_before_attempt(
    const std::string& user_key, const std::string& address) {
  co_return throttle_.wait_before_attempt(user_key, address);
}

asio::awaitable<void> LocalThrottleStore::record_failure(const std::string& user_key,
                                                         const std::string& address) {
  throttle_.record_failure(user_key, address);
  co_return;
}

asio::awaitable<void> LocalThrottleStore::record_success(const std::string& user_key) {
  throttle_.record_success(user_key);
  co_return;
}

}  // namespace netdisk::server
