// Ctrl-C during a transfer: a SIGINT handler that only sets a flag, which transfer loops poll
// (they wait in short slices, so they notice within a fraction of a second), close their
// connection and keep their partial file. InterruptScope installs the handler for its lifetime
// and restores the previous one. Install and remove from the main thread only.
#pragma once

#include <atomic>
#include <csignal>
#include <stdexcept>

namespace netdisk::client {

// Set by SIGINT while an InterruptScope is alive; read by any thread.
const std::atomic<bool>& interrupt_flag() noexcept;
// Lowers the flag (the shell does, once it has dealt with a Ctrl-C).
void clear_interrupt() noexcept;

class InterruptScope {
 public:
  InterruptScope();  // clears the flag and installs the handler
  ~InterruptScope();
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;

 private:
  struct sigaction previous_ {};
};

// Thrown by a transfer that stopped because of the flag.
class Interrupted : public std::runtime_error {
 public:
  Interrupted() : std::runtime_error("interrupted") {}
};

}  // namespace netdisk::client
