#include "server/accounts/verification_flights.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/system_executor.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/error_code.hpp>

namespace netdisk::server {

namespace asio = boost::asio;

// The event a flight's waiters wait for. A closed channel completes every pending receive and
// every later one at once, each on the receiver's own executor: a one-shot broadcast that is
// safe across threads, which a timer is not. The channel itself lives on the system executor,
// not on an I/O thread's io_context, so its lifetime is not tied to any worker's.
class VerificationFlights::Flight {
 public:
  Flight() : landed_(asio::system_executor()) {}
  asio::experimental::concurrent_channel<asio::system_executor, void(boost::system::error_code)>
      landed_;
};

VerificationFlights::Ticket::Ticket(VerificationFlights& flights, Key key,
                                    std::shared_ptr<Flight> flight, bool leader)
    : flights_(flights), key_(key), flight_(std::move(flight)), leader_(leader) {}

asio::awaitable<void> VerificationFlights::Ticket::wait() {
  // Only a close ends the receive (nothing is ever sent); its error is the signal.
  co_await flight_->landed_.async_receive(asio::as_tuple(asio::use_awaitable));
}

void VerificationFlights::Ticket::land() noexcept {
  if (!leader_ || !flight_) return;
  flights_.end(key_, flight_);
  flight_.reset();
}

std::unique_ptr<VerificationFlights::Ticket> VerificationFlights::join(const Key& key) {
  std::lock_guard lock(mutex_);
  auto [it, started] = flights_.try_emplace(key);
  if (started) it->second = std::make_shared<Flight>();
  return std::make_unique<Ticket>(*this, key, it->second, started);
}

void VerificationFlights::end(const Key& key, const std::shared_ptr<Flight>& flight) noexcept {
  {
    std::lock_guard lock(mutex_);
    auto it = flights_.find(key);
    if (it != flights_.end() && it->second == flight) flights_.erase(it);
  }
  flight->landed_.close();  // after the erase: a later caller starts a flight of its own
}

std::size_t VerificationFlights::in_flight() {
  std::lock_guard lock(mutex_);
  return flights_.size();
}

}  // namespace netdisk::server
