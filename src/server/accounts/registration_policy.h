// RegistrationPolicy: who may create an account. The administrator sets the mode with
// `netdiskd admin registration open|closed|invite`: open (anyone who reaches the server),
// closed (nobody), or invite (only with a code from `netdiskd admin invite create`). Invite
// codes are shown once and stored only as digests, each with its expiry and remaining uses.
// Where they are kept is the implementation's: FileRegistrationPolicy (one server,
// <data>/registration.json, file_registration_policy.h) or cluster::PgRegistrationPolicy
// (every node of a cluster, PostgreSQL). Thread-safe; every call may block on the file or the
// database: call them from the blocking pool.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
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
// Inline: the cluster's implementation (a library the server links) names modes too.
inline constexpr std::array<std::string_view, 3> kRegistrationModeNames = {"open", "closed",
                                                                           "invite"};
inline std::string_view registration_mode_name(RegistrationMode mode) {
  return kRegistrationModeNames[static_cast<std::size_t>(mode)];
}
inline std::optional<RegistrationMode> registration_mode_from_name(std::string_view name) {
  for (std::size_t i = 0; i < kRegistrationModeNames.size(); ++i) {
    if (name == kRegistrationModeNames[i]) return static_cast<RegistrationMode>(i);
  }
  return std::nullopt;
}

inline constexpr std::string_view kRegistrationFile = "registration.json";
// An invitation's uses at most (a code for a whole class, not an open door).
inline constexpr std::uint32_t kMaxInviteUses = 10000;

class RegistrationPolicy {
 public:
  using Clock = std::chrono::system_clock;
  using Now = std::function<Clock::time_point()>;

  virtual ~RegistrationPolicy() = default;

  // A FileRegistrationPolicy of `file`; a missing file means open registration and no
  // invitations. A damaged one is an io_error naming the file and what is wrong (the server
  // then refuses to start rather than guess the administrator's intent); the file is left
  // untouched.
  static Result<std::unique_ptr<RegistrationPolicy>> open(std::filesystem::path file,
                                                          Now now = &Clock::now);

  // The mode in force. An implementation that cannot read it answers the last one it read.
  virtual RegistrationMode mode() const = 0;
  // Durable before it returns. Errors: io_error, disk_full, server_busy (nothing changed).
  virtual Status set_mode(RegistrationMode mode) = 0;

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
  // The invitations still usable, oldest first (none when they cannot be read).
  virtual std::vector<InviteInfo> invites() const = 0;

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
  virtual void refund(const Ticket& ticket) = 0;

 protected:
  struct Entry {
    std::string digest;  // hex BLAKE2b of the normalised code
    Clock::time_point created;
    std::optional<Clock::time_point> expires;
    std::uint32_t uses_left = 0;
  };
  explicit RegistrationPolicy(Now now) : now_(std::move(now)) {}
  // Keeps a new invitation durably.
  virtual Status add_invite(const Entry& entry) = 0;
  // Takes one use of the invitation `digest` if it is usable at `now`, as one step: false when
  // it is unknown, expired or used up.
  virtual Result<bool> take_use(const std::string& digest, Clock::time_point now) = 0;
  static bool usable(const Entry& entry, Clock::time_point now) {
    return entry.uses_left > 0 && (!entry.expires || now < *entry.expires);
  }

  const Now now_;
};

// The digest under which a code is kept: case, spaces and dashes do not matter, so a code read
// aloud or retyped in groups still matches.
std::string invite_digest(std::string_view code);

}  // namespace netdisk::server
