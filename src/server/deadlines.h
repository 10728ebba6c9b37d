// Deadlines: the one timeout design, for every transport. Whatever waits on a peer (a TCP
// connection before its handshake or between frames, an HTTP connection reading a request or
// idle between requests, a file transfer in flight) is a Timed registered with its I/O
// worker's Deadlines. Once a second the worker sweeps them (server.cc) at the server's clock
// (Services::now, server/clock.h); a Timed whose deadline has passed ends the wait on its
// socket, for good: it closes the socket, or cancels the pending operation and sets a flag
// that every read checks (the sweep may run just after an operation completed, with nothing
// pending), and the coroutine that was waiting reports the timeout. No timer per
// connection or per read: an idle connection costs one set entry, and a test drives the whole
// design by moving a hand-driven clock and calling sweep(). Worker thread only.
#pragma once

#include <cstddef>
#include <functional>
#include <unordered_set>

#include "server/clock.h"

namespace netdisk::server {

class Timed {
 public:
  // Called by the sweep with its clock's time; may close the connection (and so destroy
  // other Timed objects: the sweep allows for that).
  virtual void check_deadline(TimePoint now) = 0;

 protected:
  ~Timed() = default;
};

// The Timed of one worker.
class Deadlines {
 public:
  void add(Timed* timed) { timed_.insert(timed); }
  void remove(Timed* timed) { timed_.erase(timed); }
  std::size_t size() const noexcept { return timed_.size(); }
  // Checks every registered Timed once against `now`.
  void sweep(TimePoint now);

 private:
  std::unordered_set<Timed*> timed_;
};

// Keeps `timed` registered for as long as it lives.
class DeadlineEntry {
 public:
  DeadlineEntry(Deadlines& deadlines, Timed* timed) : deadlines_(deadlines), timed_(timed) {
    deadlines_.add(timed_);
  }
  ~DeadlineEntry() { deadlines_.remove(timed_); }
  DeadlineEntry(const DeadlineEntry&) = delete;
  DeadlineEntry& operator=(const DeadlineEntry&) = delete;

 private:
  Deadlines& deadlines_;
  Timed* timed_;
};

// The plain case: one deadline, armed for a span from now, that calls `on_expiry` once when
// the sweep finds it passed (the HTTP connection: headers, body, idle keep-alive).
class Deadline final : public Timed {
 public:
  Deadline(Deadlines& deadlines, Now now, std::function<void()> on_expiry);

  void arm_after(SteadyClock::duration span) {
    at_ = now_() + span;
    expired_ = false;
  }
  void disarm() noexcept { at_ = TimePoint::max(); }
  // True once the deadline passed and on_expiry ran (until the next arm_after).
  bool expired() const noexcept { return expired_; }

  void check_deadline(TimePoint now) override;

 private:
  Now now_;
  std::function<void()> on_expiry_;
  TimePoint at_ = TimePoint::max();
  bool expired_ = false;
  DeadlineEntry entry_;
};

}  // namespace netdisk::server
