// Retrying server_busy: the server bounds its password-hashing queue and refuses logins and
// registrations beyond it with server_busy. Backoff spaces the retries out by a bounded,
// "full jitter" exponential schedule (each pause uniform in [0, min(cap, base * 2^n)), all
// pauses within a total budget), so a crowd of clients spreads out instead of retrying in
// step. The random source and the sleep are injected, so a test checks the schedule without
// sleeping. One thread.
#pragma once

#include <chrono>
#include <functional>
#include <optional>

#include <nlohmann/json.hpp>

namespace netdisk::client {

struct BackoffPolicy {
  int max_attempts = 8;                     // the first try included
  std::chrono::milliseconds base{200};      // the first pause is drawn from [0, base)
  std::chrono::milliseconds cap{4000};      // no pause is drawn from a wider range
  std::chrono::milliseconds budget{10000};  // all pauses together stay within this
};

class Backoff {
 public:
  using Random = std::function<double()>;  // uniform in [0, 1)
  using Sleep = std::function<void(std::chrono::milliseconds)>;

  // Without `random` or `sleep`: a seeded std::mt19937 and a sleep that throws Interrupted
  // (interrupt.h) soon after Ctrl-C.
  explicit Backoff(BackoffPolicy policy = {}, Random random = {}, Sleep sleep = {});

  // Call after a failed attempt: sleeps the next pause and returns true, or returns false
  // without sleeping when the attempts or the budget are used up.
  bool pause();
  int attempts() const noexcept { return attempts_; }  // attempts made so far
  std::chrono::milliseconds paused() const noexcept { return paused_; }
  const BackoffPolicy& policy() const noexcept { return policy_; }

 private:
  BackoffPolicy policy_;
  Random random_;
  Sleep sleep_;
  int attempts_ = 1;
  std::chrono::milliseconds paused_{0};
};

// Runs `attempt` again while it throws ServerError with code server_busy and `backoff` allows.
// Returns its result; other errors pass through at once. When the server stays busy, throws
// ServerError(server_busy) saying how often and how long it was tried.
nlohmann::json retry_while_busy(const std::function<nlohmann::json()>& attempt,
                                Backoff backoff = Backoff());

}  // namespace netdisk::client
