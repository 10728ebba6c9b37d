// Admin ops: what the administrator does with `netdiskd admin`, on the admin transport only
// (the local socket of server/admin/admin_socket.h, or in-process when the server is stopped):
//   admin.users         every account: name, registered, last login, state, role, files,
//                       bytes, quota; also over HTTP (GET /api/admin/users) for an admin
//   admin.registration  the registration mode, set when "mode" is given
//   admin.invite        a new invitation code ("uses", "valid_for" in seconds)
// Nothing here knows a socket; the checks that make the caller an administrator are the
// transport's (docs/PROTOCOL.md, "Administration").
#pragma once

#include "server/ops/operation.h"
#include "storage/user_table.h"

namespace netdisk::server::ops {

// One account's row of admin.users: the registry's fields and what their files add up to (a
// walk of their folder; blocking: call it on the blocking pool).
nlohmann::json admin_user_row(Services& server, const storage::UserRecord& record);

boost::asio::awaitable<OpResult> admin_users(OpCall& call);
boost::asio::awaitable<OpResult> admin_registration(OpCall& call);
boost::asio::awaitable<OpResult> admin_invite(OpCall& call);

}  // namespace netdisk::server::ops
