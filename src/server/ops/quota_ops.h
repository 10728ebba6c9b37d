// Quota ops: what a user's space holds against their byte quota (server/quota/).
//   df   used, reserved, quota, free, in bytes; quota and free are null without a quota.
//        TCP and HTTP (GET /api/df). Counts the user's space first if the server has not.
// Nothing here knows a socket.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "server/ops/operation.h"

namespace netdisk::server::ops {

// `user`'s figures from the server's QuotaLedger as df's fields. Memory only.
nlohmann::json usage_fields(const Services& server, std::string_view user);

boost::asio::awaitable<OpResult> disk_usage(OpCall& call);

}  // namespace netdisk::server::ops
