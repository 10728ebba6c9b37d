// PgRegistrationPolicy: a cluster's RegistrationPolicy in PostgreSQL, so the administrator's
// mode and invitations hold on every node: netdisk.registration (one row, the mode; none means
// open) and netdisk.invites (a code's digest, its expiry and uses left). Taking a use is one
// conditional UPDATE, so two nodes cannot spend a code's last use twice. Expired and used-up
// invitations are pruned as new ones are made. Thread-safe (a PgPool); every call blocks on
// PostgreSQL: blocking pool only.
#pragma once

#include <atomic>
#include <memory>

#include "cluster/pg/pg.h"
#include "server/accounts/registration_policy.h"

namespace netdisk::cluster {

class PgRegistrationPolicy final : public server::RegistrationPolicy {
 public:
  // Creates the tables if needed (ensure_schema) and reads the mode. Errors: server_busy or
  // io_error when PostgreSQL cannot be reached or refuses.
  static Result<std::unique_ptr<PgRegistrationPolicy>> open(std::shared_ptr<pg::PgPool> pool,
                                                            Now now = &Clock::now);

  // Read from PostgreSQL each time; when it cannot be read, the last mode read (logged).
  server::RegistrationMode mode() const override;
  Status set_mode(server::RegistrationMode mode) override;
  std::vector<InviteInfo> invites() const override;
  void refund(const Ticket& ticket) override;

 private:
  PgRegistrationPolicy(std::shared_ptr<pg::PgPool> pool, Now now)
      : RegistrationPolicy(std::move(now)), pool_(std::move(pool)) {}
  Result<server::RegistrationMode> read_mode() const;
  Status add_invite(const Entry& entry) override;
  Result<bool> take_use(const std::string& digest, Clock::time_point now) override;

  std::shared_ptr<pg::PgPool> pool_;
  mutable std::atomic<server::RegistrationMode> last_mode_{server::RegistrationMode::open};
};

}  // namespace netdisk::cluster
