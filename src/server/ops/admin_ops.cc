#include "server/ops/admin_ops.h"

#include <fmt/format.h>

#include "common/time_format.h"
#include "protocol/fields.h"
#include "server/blocking.h"
#include "server/ops/quota_ops.h"
#include "server/services.h"
#include "server/storage_errors.h"
#include "storage/space_usage.h"

namespace netdisk::server::ops {
namespace {

// An invitation lasts at most a year: a forgotten code should not stay a door for ever.
constexpr std::uint64_t kMaxInviteSeconds = 366ull * 24 * 3600;

nlohmann::json optional_time(const std::optional<std::chrono::system_clock::time_point>& time) {
  return time ? nlohmann::json(format_utc(*time)) : nlohmann::json();
}

}  // namespace

nlohmann::json admin_user_row(Services& server, const storage::UserRecord& record) {
  nlohmann::json row = {
      {"username", record.name},
      {"registered", format_utc(record.registered_at)},
      {"last_login", optional_time(record.last_login)},
      {"state", storage::account_state_name(record.state)},
      {"role", storage::user_role_name(record.role)},
      {"quota", record.quota.empty() ? nlohmann::json() : nlohmann::json(record.quota)},
      {"quota_bytes", record.quota_bytes ? nlohmann::json(*record.quota_bytes) : nlohmann::json()}};
  auto space = server.backend->open_space(record.name);
  auto usage = space ? storage::space_usage(**space)
                     : storage::StorageResult<storage::SpaceUsage>(space.error());
  if (usage) {
    row["files"] = usage->files;
    row["bytes"] = usage->bytes;
    // The quota's view: every stored byte, partial uploads included, and the quota in force
    // (the row's own or the server's default); every node's, in cluster mode.
    (void)server.quota->refresh(record.name);
    auto quota = usage_fields(server, record.name);
    row["used"] = quota["used"];
    row["quota_in_force"] = quota["quota"];
    row["free"] = quota["free"];
  } else {
    row["files"] = nullptr;  // the folder is missing or unreadable: say so, do not guess
    row["bytes"] = nullptr;
    row["problem"] = wire_error(usage.error()).message;
  }
  return row;
}

namespace {

nlohmann::json registration_fields(const RegistrationPolicy& policy) {
  return {{"mode", registration_mode_name(policy.mode())}, {"invites", policy.invites().size()}};
}

}  // namespace

boost::asio::awaitable<OpResult> admin_users(OpCall& call) {
  auto& server = call.server;
  auto rows = co_await run_blocking(server.blocking_pool, [&server] {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& record : server.accounts.users())
      out.push_back(admin_user_row(server, record));
    return out;
  });
  co_return reply_with(
      {{"users", std::move(rows)}, {"registration", registration_fields(*server.registration)}});
}

boost::asio::awaitable<OpResult> admin_registration(OpCall& call) {
  auto name = protocol::optional_string_field(call.body, "mode");
  if (!name) co_return std::move(name).error();
  auto& policy = *call.server.registration;
  if (*name) {
    auto mode = registration_mode_from_name(**name);
    if (!mode) {
      co_return make_error(Errc::bad_request, "\"mode\" must be open, closed or invite");
    }
    auto set = co_await run_blocking(call.server.blocking_pool,
                                     [&policy, &mode] { return policy.set_mode(*mode); });
    if (!set) co_return std::move(set).error();
  }
  co_return reply_with(registration_fields(policy));
}

boost::asio::awaitable<OpResult> admin_invite(OpCall& call) {
  auto uses = protocol::optional_uint_field(call.body, "uses", kMaxInviteUses);
  if (!uses) co_return std::move(uses).error();
  auto seconds = protocol::optional_uint_field(call.body, "valid_for", kMaxInviteSeconds);
  if (!seconds) co_return std::move(seconds).error();
  std::optional<std::chrono::seconds> valid_for;
  if (*seconds) valid_for = std::chrono::seconds(**seconds);
  auto count = static_cast<std::uint32_t>(uses->value_or(1));
  auto& policy = *call.server.registration;
  auto invite = co_await run_blocking(call.server.blocking_pool, [&policy, &valid_for, count] {
    return policy.create_invite(valid_for, count);
  });
  if (!invite) co_return std::move(invite).error();
  auto fields = registration_fields(policy);
  fields["code"] = invite->code;
  fields["uses"] = invite->uses;
  fields["expires"] = optional_time(invite->expires);
  co_return reply_with(std::move(fields));
}

}  // namespace netdisk::server::ops
