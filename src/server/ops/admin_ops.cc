#include "server/ops/admin_ops.h"

#include <fmt/format.h>

#include "common/time_format.h"
#include "protocol/fields.h"
#include "server/blocking.h"
#include "server/ops/quota_ops.h"
#include "server/ops/registration_admin.h"
#include "server/services.h"
#include "server/storage_errors.h"
#include "storage/space_usage.h"

namespace netdisk::server::ops {
namespace {

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

boost::asio::awaitable<OpResult> admin_users(OpCall& call) {
  auto& server = call.server;
  auto rows = co_await run_blocking(server.blocking_pool, [&server] {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& record : server.accounts.users())
      out.push_back(admin_user_row(server, record));
    // The policy may be PostgreSQL's (cluster mode): read here, on the blocking pool.
    return nlohmann::json{{"users", std::move(out)},
                          {"registration", registration_fields(*server.registration)}};
  });
  co_return reply_with(std::move(rows));
}

// admin.registration and admin.invite: the same body, run on the blocking pool.
boost::asio::awaitable<OpResult> admin_registration_request(OpCall& call, std::string op) {
  auto& policy = *call.server.registration;
  const auto& body = call.body;
  auto fields = co_await run_blocking(call.server.blocking_pool, [&policy, &op, &body] {
    return run_registration_request(policy, op, body);
  });
  if (!fields) co_return std::move(fields).error();
  co_return reply_with(std::move(*fields));
}

// The op's name in a named local: no temporary std::string inside the co_await (GCC 12).
boost::asio::awaitable<OpResult> admin_registration(OpCall& call) {
  std::string op = "admin.registration";
  co_return co_await admin_registration_request(call, std::move(op));
}

boost::asio::awaitable<OpResult> admin_invite(OpCall& call) {
  std::string op = "admin.invite";
  co_return co_await admin_registration_request(call, std::move(op));
}

}  // namespace netdisk::server::ops
