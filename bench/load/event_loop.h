// EventLoop: the single-threaded epoll loop of netdisk-load, with one-shot timers and a shared
// 1 MiB discard buffer for received file bytes. Handlers are registered by pointer and must
// outlive the loop's run(); nothing here is thread-safe (one loop per thread, and
// netdisk-load uses one thread, so the client costs about what wrk or iperf3 cost).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

namespace netdisk::bench {

using Clock = std::chrono::steady_clock;

class IoHandler {
 public:
  virtual ~IoHandler() = default;
  // Called with the epoll event bits when the handler's descriptor is ready.
  virtual void on_io(std::uint32_t events) = 0;
};

class EventLoop {
 public:
  EventLoop();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Level-triggered interest in readability, plus writability when `want_write`.
  void watch(int fd, IoHandler* handler, bool want_write);
  void update(int fd, IoHandler* handler, bool want_write);
  void unwatch(int fd);

  // Runs `fn` once, on this loop, no earlier than `delay` from now.
  void after(Clock::duration delay, std::function<void()> fn);

  // Dispatches events and timers until `done()` is true (returns true) or `deadline` passes
  // (returns false). Every wait is bounded, so the loop never hangs past the deadline.
  bool run(const std::function<bool()>& done, Clock::time_point deadline);

  // Scratch space that received stream bytes are read into and thrown away.
  std::span<char> sink() { return {sink_.data(), sink_.size()}; }

 private:
  struct Timer {
    Clock::time_point when;
    std::uint64_t seq;
    std::function<void()> fn;
  };
  void fire_due_timers();

  int epoll_fd_ = -1;
  std::vector<Timer> timers_;  // a min-heap on (when, seq)
  std::uint64_t timer_seq_ = 0;
  std::vector<char> sink_;
};

}  // namespace netdisk::bench
