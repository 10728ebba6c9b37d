// The clock that deadlines and pacing read: a function returning the steady clock's time,
// std::chrono::steady_clock::now by default. The server holds one (Services::now) and hands
// it to the deadline sweep, connections and transfers; tests pass a hand-driven one
// (tests/server/manual_clock.h) and move it instead of sleeping. Plain values, no threads.
#pragma once

#include <chrono>
#include <functional>

namespace netdisk::server {

using SteadyClock = std::chrono::steady_clock;
using TimePoint = SteadyClock::time_point;
using Now = std::function<TimePoint()>;

// The default Now.
inline TimePoint steady_now() { return SteadyClock::now(); }

// The wall clock of what is dated (a deleted user's folder and its retention): the system
// clock by default, a hand-set one in tests.
using WallNow = std::function<std::chrono::system_clock::time_point()>;
inline std::chrono::system_clock::time_point wall_now() { return std::chrono::system_clock::now(); }

}  // namespace netdisk::server
