// The administrator's per-user ops (`netdiskd admin user ...`, docs/ADMIN.md), on the admin
// transport only, each naming the user in "username":
//   admin.user.add     a new account ("password", "role" admin|user), its folder created
//   admin.user.state   "state" active|disabled; disabling ends every session of the user
//   admin.user.delete  the row leaves users.xlsx, sessions end, the folder is set aside in
//                      <data>/deleted/ ("purge": removed now)
//   admin.user.passwd  a new "password"; every session of the user ends
//   admin.user.quota   "quota": a size ("10 GiB") or "none"
//   admin.user.role    "role": admin or user
// Each replies with the user's row as admin.users shows it (a deletion: what became of the
// folder). Nothing here knows a socket; the disk work runs on the blocking pool.
#pragma once

#include "server/ops/operation.h"

namespace netdisk::server::ops {

boost::asio::awaitable<OpResult> admin_user_add(OpCall& call);
boost::asio::awaitable<OpResult> admin_user_state(OpCall& call);
boost::asio::awaitable<OpResult> admin_user_delete(OpCall& call);
boost::asio::awaitable<OpResult> admin_user_passwd(OpCall& call);
boost::asio::awaitable<OpResult> admin_user_quota(OpCall& call);
boost::asio::awaitable<OpResult> admin_user_role(OpCall& call);

}  // namespace netdisk::server::ops
