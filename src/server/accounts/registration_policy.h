// RegistrationPolicy: who may create an account. The administrator sets the mode with
// `netdiskd admin registration open|closed|invite`: open (anyone who reaches the server),
// closed (nobody), or invite (only with a code from `netdiskd admin invite create`). Kept in
// <data>/registration.json, rewritten atomically (temp file, fsync, rename), owner-only. Invite
// codes are shown once and stored only as digests, each with its expiry and remaining uses;
// expired and used-up ones are pruned at the next rewrite. Thread-safe (one mutex); every call
// that changes something writes the file before it returns: call those from the blocking pool.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace netdisk::server {

enum class RegistrationMode { open, closed, invite };
std::string_view registration_mode_name(RegistrationMode mode);
std::optional<RegistrationMode> registration_mode_from_name(std::string_view name);

inline constexpr std::string_view kRegistrationFile = "registration.json";
// An invitation's uses at most (a code for a whole class, not an open door).
inline constexpr std::uint32_t kMaxInviteUses = 10000;

class RegistrationPolicy {
 public:
  using Clock = std::chrono::system_clock;
  using Now = std::function<Clock::time_point()>;

  // Loads `file`; a missing file means open registration and no invitations. A damaged one is
  // an io_error naming the file and what is wrong (the server then refuses to start rather than
  // guess the administrator's intent); the file is left untouched.
  static Result<std::unique_ptr<RegistrationPolicy>> open(std::filesystem::path file,
                                                          Now now = &Clock::now);

  RegistrationMode mode() const;
  // Durable before it returns. Errors: io_error, disk_full (nothing changed).
  Status set_mode(RegistrationMode mode);

  struct Invite {
    std::string code;  // shown once: only its digest is kept
    std::optional<Clock::time_point> expires;
    std::uint32_t uses = 1;
  };
  // A new code valid for `valid_for` (none: until used up) and `uses` registrations (1 to
  // kMaxInviteUses). Durable before it returns. Errors: bad_request, io_error, disk_full.
  Result<Invite> create_invite(std::optional<std::chrono::seconds> valid_for, std::uint32_t uses);

  struct InviteInfo {
    Clock::time_point created;
    std::optional<Clock::time_point> expires;
    std::uint32_t uses_left = 0;
  };
  // The invitations still usable, oldest first.
  std::vector<InviteInfo> invites() const;

  // A registration's permission: in open mode nothing is taken; in invite mode one use of the
  // code, taken durably (so two registrations racing for a code's last use cannot both have it).
  // Errors: registration_closed, invite_required (no code), invalid_invite (unknown, expired or
  // used up), io_error, disk_full.
  struct Ticket {
    std::string digest;  // empty: nothing was taken
  };
  Result<Ticket> admit(std::string_view code);
  // Gives a use back after the registration it admitted failed (the name was taken, the disk
  // full). Best effort: a failed rewrite keeps the use spent, never grants one twice.
  void refund(const Ticket& ticket);

 private:
  struct Entry {
    std::string digest;  // hex BLAKE2b of the normalised code
    Clock::time_point created;
    std::optional<Clock::time_point> expires;
    std::uint32_t uses_left = 0;
  };
  RegistrationPolicy(std::filesystem::path file, Now now, RegistrationMode mode,
                     std::vector<Entry> entries);
  // Writes `mode` and `entries` (pruned at `now`) in place of the file. Caller holds mutex_.
  Status save(RegistrationMode mode, const std::vector<Entry>& entries) const;
  bool usable(const Entry& entry, Clock::time_point now) const;

  const std::filesystem::path file_;
  const Now now_;
  mutable std::mutex mutex_;
  RegistrationMode mode_;
  std::vector<Entry> entries_;
};

// The digest under which a code is kept: case, spaces and dashes do not matter, so a code read
// aloud or retyped in groups still matches.
std::string invite_digest(std::string_view code);

}  // namespace netdisk::server
