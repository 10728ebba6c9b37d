#include "cluster/shares/pg_registration_policy.h"

#include <charconv>

#include <spdlog/spdlog.h>

#include "cluster/pg/pg_time.h"

namespace netdisk::cluster {
namespace {

using pg::from_seconds;
using pg::seconds_text;
using server::RegistrationMode;
using Clock = server::RegistrationPolicy::Clock;

constexpr std::string_view kSchema = R"(
CREATE TABLE IF NOT EXISTS netdisk.registration (
  one  boolean PRIMARY KEY DEFAULT true CHECK (one),
  mode text NOT NULL CHECK (mode IN ('open', 'closed', 'invite'))
);
CREATE TABLE IF NOT EXISTS netdisk.invites (
  digest    text PRIMARY KEY,
  created   timestamptz NOT NULL,
  expires   timestamptz,
  uses_left integer NOT NULL CHECK (uses_left >= 0)
);)";

}  // namespace

Result<std::unique_ptr<PgRegistrationPolicy>> PgRegistrationPolicy::open(
    std::shared_ptr<pg::PgPool> pool, Now now) {
  if (auto made = pg::ensure_schema(*pool, "netdisk.registration", kSchema); !made) {
    return made.error().to_error();
  }
  std::unique_ptr<PgRegistrationPolicy> policy(
      new PgRegistrationPolicy(std::move(pool), std::move(now)));
  if (auto mode = policy->read_mode(); !mode) return std::move(mode).error();
  return policy;
}

Result<RegistrationMode> PgRegistrationPolicy::read_mode() const {
  auto read = pool_->exec("SELECT mode FROM netdisk.registration");
  if (!read) return read.error().to_error();
  auto mode = RegistrationMode::open;  // no row: nobody has closed registration yet
  if (read->rows() == 1) {
    auto named = server::registration_mode_from_name(read->text(0, 0));
    if (named) mode = *named;
  }
  last_mode_.store(mode);
  return mode;
}

RegistrationMode PgRegistrationPolicy::mode() const {
  auto mode = read_mode();
  if (mode) return *mode;
  spdlog::error("registration: cannot read the mode from PostgreSQL ({}); keeping {}",
                mode.error().message, server::registration_mode_name(last_mode_.load()));
  return last_mode_.load();
}

Status PgRegistrationPolicy::set_mode(RegistrationMode mode) {
  auto written = pool_->exec(
      "INSERT INTO netdisk.registration (one, mode) VALUES (true, $1) "
      "ON CONFLICT (one) DO UPDATE SET mode = EXCLUDED.mode",
      {std::string(server::registration_mode_name(mode))});
  if (!written) return written.error().to_error();
  last_mode_.store(mode);
  return {};
}

Status PgRegistrationPolicy::add_invite(const Entry& entry) {
  auto pruned = pool_->exec(
      "DELETE FROM netdisk.invites WHERE uses_left = 0 OR expires <= to_timestamp($1::bigint)",
      {seconds_text(now_())});
  if (!pruned) return pruned.error().to_error();
  auto added = pool_->exec(
      "INSERT INTO netdisk.invites (digest, created, expires, uses_left) VALUES ($1, "
      "to_timestamp($2::bigint), to_timestamp($3::bigint), $4::integer)",
      {entry.digest, seconds_text(entry.created),
       entry.expires ? std::optional(seconds_text(*entry.expires)) : std::nullopt,
       std::to_string(entry.uses_left)});
  if (!added) return added.error().to_error();
  return {};
}

std::vector<server::RegistrationPolicy::InviteInfo> PgRegistrationPolicy::invites() const {
  auto read = pool_->exec(
      "SELECT extract(epoch from created)::bigint, extract(epoch from expires)::bigint, "
      "uses_left FROM netdisk.invites WHERE uses_left > 0 AND (expires IS NULL OR expires > "
      "to_timestamp($1::bigint)) ORDER BY created, digest",
      {seconds_text(now_())});
  std::vector<InviteInfo> out;
  if (!read) {
    spdlog::error("registration: cannot read the invitations: {}", read.error().message);
    return out;
  }
  for (int row = 0; row < read->rows(); ++row) {
    InviteInfo info{from_seconds(read->text(row, 0)), std::nullopt, 0};
    if (!read->is_null(row, 1)) info.expires = from_seconds(read->text(row, 1));
    std::string_view uses = read->text(row, 2);
    std::from_chars(uses.data(), uses.data() + uses.size(), info.uses_left);
    out.push_back(info);
  }
  return out;
}

Result<bool> PgRegistrationPolicy::take_use(const std::string& digest, Clock::time_point now) {
  // The test and the decrement in one statement, under the row's lock: of two nodes racing
  // for the last use, the second sees uses_left = 0 and matches nothing.
  auto taken = pool_->exec(
      "UPDATE netdisk.invites SET uses_left = uses_left - 1 WHERE digest = $1 AND uses_left > 0 "
      "AND (expires IS NULL OR expires > to_timestamp($2::bigint)) RETURNING uses_left",
      {digest, seconds_text(now)});
  if (!taken) return taken.error().to_error();
  return taken->rows() == 1;
}

void PgRegistrationPolicy::refund(const Ticket& ticket) {
  if (ticket.digest.empty()) return;
  auto given = pool_->exec("UPDATE netdisk.invites SET uses_left = uses_left + 1 WHERE digest = $1",
                           {ticket.digest});
  if (!given) {
    spdlog::error("registration: an invitation's use could not be given back: {}",
                  given.error().message);
  }
}

}  // namespace netdisk::cluster
