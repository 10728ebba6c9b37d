#include "client/busy_retry.h"

#include <algorithm>
#include <cstdio>
#include <random>
#include <thread>

#include "client/server_link.h"
#include "client/interrupt.h"

namespace netdisk::client {
namespace {

using std::chrono::milliseconds;

Backoff::Random default_random() {
  auto engine = std::make_shared<std::mt19937>(std::random_device{}());
  return [engine] { return std::uniform_real_distribution<double>(0.0, 1.0)(*engine); };
}

// Sleeps in short slices so that Ctrl-C (when an InterruptScope is alive) is seen soon.
void interruptible_sleep(milliseconds pause) {
  constexpr milliseconds kSlice{50};
  auto until = std::chrono::steady_clock::now() + pause;
  while (std::chrono::steady_clock::now() < until) {
    if (interrupt_flag().load()) throw Interrupted();
    auto left = std::chrono::duration_cast<milliseconds>(until - std::chrono::steady_clock::now());
    std::this_thread::sleep_for(std::clamp(left, milliseconds{0}, kSlice));
  }
}

std::string seconds_text(milliseconds duration) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f s", static_cast<double>(duration.count()) / 1000.0);
  return text;
}

}  // namespace

Backoff::Backoff(BackoffPolicy policy, Random random, Sleep sleep)
    : policy_(policy),
      random_(random ? std::move(random) : default_random()),
      sleep_(sleep ? std::move(sleep) : Sleep(interruptible_sleep)) {}

bool Backoff::pause() {
  if (attempts_ >= policy_.max_attempts || paused_ >= policy_.budget) return false;
  // Full jitter: the window doubles with each retry up to the cap; the pause is anywhere in it.
  int doublings = std::min(attempts_ - 1, 30);
  auto window = std::min<milliseconds::rep>(
      policy_.cap.count(), policy_.base.count() * (milliseconds::rep{1} << doublings));
  auto drawn =
      static_cast<milliseconds::rep>(std::clamp(random_(), 0.0, 1.0) * static_cast<double>(window));
  milliseconds next{std::min(drawn, (policy_.budget - paused_).count())};
  sleep_(next);
  paused_ += next;
  ++attempts_;
  return true;
}

nlohmann::json retry_while_busy(const std::function<nlohmann::json()>& attempt, Backoff backoff) {
  while (true) {
    try {
      return attempt();
    } catch (const ServerError& error) {
      if (error.code() != "server_busy") throw;
      if (backoff.pause()) continue;
      throw ServerError("server_busy", std::string(error.what()) +
                                           " (the server stayed busy through " +
                                           std::to_string(backoff.attempts()) + " attempts over " +
                                           seconds_text(backoff.paused()) + "; try again later)");
    }
  }
}

}  // namespace netdisk::client
