// wait_until: how a test waits for something to happen (a file to appear, a count to reach a
// value, the server to close a socket) instead of sleeping a fixed time. It checks the
// condition every `step` (never more than 100 ms apart) and gives up after a generous limit,
// so a slow machine only makes the test slower, never wrong. Header-only; any thread.
#pragma once

#include <algorithm>
#include <chrono>
#include <thread>

namespace netdisk::e2e {

// Checks `condition` until it returns true (then true) or `limit` passes (then false).
template <class Condition>
bool wait_until(Condition condition,
                std::chrono::milliseconds limit = std::chrono::seconds(30),
                std::chrono::milliseconds step = std::chrono::milliseconds(10)) {
  step = std::min(step, std::chrono::milliseconds(100));
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(step);
  }
  return true;
}

}  // namespace netdisk::e2e
