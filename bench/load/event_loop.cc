#include "event_loop.h"

#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace netdisk::bench {
namespace {

constexpr std::size_t kSinkBytes = 1 << 20;  // "large reads": 1 MiB per read(2), like iperf3 -l 1M

bool later(const auto& a, const auto& b) {
  return a.when != b.when ? a.when > b.when : a.seq > b.seq;
}

epoll_event make_event(IoHandler* handler, bool want_write) {
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLRDHUP | (want_write ? EPOLLOUT : 0u);
  ev.data.ptr = handler;
  return ev;
}

}  // namespace

EventLoop::EventLoop() : epoll_fd_(epoll_create1(EPOLL_CLOEXEC)), sink_(kSinkBytes) {
  if (epoll_fd_ < 0) throw std::runtime_error(std::string("epoll_create1: ") + strerror(errno));
}

EventLoop::~EventLoop() { ::close(epoll_fd_); }

void EventLoop::watch(int fd, IoHandler* handler, bool want_write) {
  epoll_event ev = make_event(handler, want_write);
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
    throw std::runtime_error(std::string("epoll_ctl add: ") + strerror(errno));
  }
}

void EventLoop::update(int fd, IoHandler* handler, bool want_write) {
  epoll_event ev = make_event(handler, want_write);
  epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev);
}

void EventLoop::unwatch(int fd) { epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr); }

void EventLoop::after(Clock::duration delay, std::function<void()> fn) {
  timers_.push_back(Timer{Clock::now() + delay, timer_seq_++, std::move(fn)});
  std::push_heap(timers_.begin(), timers_.end(), [](auto& a, auto& b) { return later(a, b); });
}

void EventLoop::fire_due_timers() {
  auto now = Clock::now();
  // Bounded: timers added while firing are due no earlier than now, and we take only those due.
  for (std::size_t fired = 0; !timers_.empty() && timers_.front().when <= now && fired < 4096;
       ++fired) {
    std::pop_heap(timers_.begin(), timers_.end(), [](auto& a, auto& b) { return later(a, b); });
    Timer timer = std::move(timers_.back());
    timers_.pop_back();
    timer.fn();
  }
}

bool EventLoop::run(const std::function<bool()>& done, Clock::time_point deadline) {
  epoll_event events[512];
  while (!done()) {
    auto now = Clock::now();
    if (now >= deadline) return false;
    fire_due_timers();
    if (done()) break;
    auto wake = deadline;
    if (!timers_.empty()) wake = std::min(wake, timers_.front().when);
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(wake - Clock::now());
    int timeout_ms = static_cast<int>(std::clamp<long long>(wait.count() + 1, 0, 100));
    if (!timers_.empty() && timers_.front().when <= Clock::now()) timeout_ms = 0;
    int n = epoll_wait(epoll_fd_, events, 512, timeout_ms);
    if (n < 0 && errno != EINTR) throw std::runtime_error(std::string("epoll_wait: ") + strerror(errno));
    for (int i = 0; i < n; ++i) static_cast<IoHandler*>(events[i].data.ptr)->on_io(events[i].events);
  }
  return true;
}

}  // namespace netdisk::bench
