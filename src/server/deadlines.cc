#include "server/deadlines.h"

#include <vector>

namespace netdisk::server {

void Deadlines::sweep(TimePoint now) {
  // A check may close a connection, which removes its Timed (and perhaps others) from the
  // set: walk a copy and skip what is gone.
  std::vector<Timed*> snapshot(timed_.begin(), timed_.end());
  for (Timed* timed : snapshot) {
    if (timed_.contains(timed)) timed->check_deadline(now);
  }
}

Deadline::Deadline(Deadlines& deadlines, Now now, std::function<void()> on_expiry)
    : now_(std::move(now)), on_expiry_(std::move(on_expiry)), entry_(deadlines, this) {}

void Deadline::check_deadline(TimePoint now) {
  if (now < at_) return;
  at_ = TimePoint::max();
  expired_ = true;
  on_expiry_();
}

}  // namespace netdisk::server
