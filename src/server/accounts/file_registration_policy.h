// FileRegistrationPolicy: the RegistrationPolicy of one server, kept in
// <data>/registration.json, rewritten atomically (temp file, fsync, rename), owner-only.
// Expired and used-up invitations are pruned at the next rewrite. Thread-safe (one mutex);
// every call that changes something writes the file before it returns: blocking pool only.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <vector>

#include "server/accounts/registration_policy.h"

namespace netdisk::server {

class FileRegistrationPolicy final : public RegistrationPolicy {
 public:
  // See RegistrationPolicy::open().
  static Result<std::unique_ptr<FileRegistrationPolicy>> open_file(std::filesystem::path file,
                                                                   Now now);

  RegistrationMode mode() const override;
  Status set_mode(RegistrationMode mode) override;
  std::vector<InviteInfo> invites() const override;
  void refund(const Ticket& ticket) override;

 private:
  FileRegistrationPolicy(std::filesystem::path file, Now now, RegistrationMode mode,
                         std::vector<Entry> entries);
  Status add_invite(const Entry& entry) override;
  Result<bool> take_use(const std::string& digest, Clock::time_point now) override;
  // Writes `mode` and `entries` (pruned at `now`) in place of the file. Caller holds mutex_.
  Status save(RegistrationMode mode, const std::vector<Entry>& entries) const;

  const std::filesystem::path file_;
  mutable std::mutex mutex_;
  RegistrationMode mode_;
  std::vector<Entry> entries_;
};

}  // namespace netdisk::server
