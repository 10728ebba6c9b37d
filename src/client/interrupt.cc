#include "client/interrupt.h"

namespace netdisk::client {
namespace {

std::atomic<bool> g_interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free, "the signal handler needs a lock-free flag");

extern "C" void on_sigint(int) { g_interrupted.store(true); }

}  // namespace

const std::atomic<bool>& interrupt_flag() noexcept { return g_interrupted; }

void clear_interrupt() noexcept { g_interrupted = false; }

InterruptScope::InterruptScope() {
  g_interrupted = false;
  struct sigaction action {};
  action.sa_handler = on_sigint;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: a blocked read returns EINTR and looks at the flag
  ::sigaction(SIGINT, &action, &previous_);
}

InterruptScope::~InterruptScope() { ::sigaction(SIGINT, &previous_, nullptr); }

}  // namespace netdisk::client
