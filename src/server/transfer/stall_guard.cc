#include "server/transfer/stall_guard.h"

#include <boost/asio/steady_timer.hpp>

namespace netdisk::server::transfer {

// The timer's handler may run after the guard is gone (a cancelled wait still completes), so
// it holds the state, and `active` says whether the clock it points to still exists.
struct StallGuard::State {
  State(boost::asio::any_io_executor executor, const ActivityClock& watched,
        std::function<void()> cancel)
      : timer(std::move(executor)), clock(&watched), cancel_io(std::move(cancel)) {}
  boost::asio::steady_timer timer;
  const ActivityClock* clock;
  std::function<void()> cancel_io;
  bool active = true;
  bool fired = false;
};

namespace {

void arm(const std::shared_ptr<StallGuard::State>& state);

void on_wake(const std::shared_ptr<StallGuard::State>& state, const boost::system::error_code& ec) {
  if (!state->active || ec) return;
  if (state->clock->expired()) {
    state->fired = true;
    state->cancel_io();
    return;
  }
  arm(state);  // activity moved the deadline on meanwhile
}

void arm(const std::shared_ptr<StallGuard::State>& state) {
  // The wait is measured by the injected clock: how far the deadline is from its now().
  state->timer.expires_after(state->clock->deadline() - state->clock->now());
  state->timer.async_wait([state](const boost::system::error_code& ec) { on_wake(state, ec); });
}

}  // namespace

StallGuard::StallGuard(boost::asio::any_io_executor executor, const ActivityClock& clock,
                       std::function<void()> cancel_io)
    : state_(std::make_shared<State>(std::move(executor), clock, std::move(cancel_io))) {
  arm(state_);
}

StallGuard::~StallGuard() {
  state_->active = false;
  state_->timer.cancel();
}

bool StallGuard::fired() const noexcept { return state_->fired; }

}  // namespace netdisk::server::transfer
