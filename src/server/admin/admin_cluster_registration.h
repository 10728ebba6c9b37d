// `netdiskd admin registration ...` and `invite create` in cluster mode (--storage cluster):
// the registration policy is the cluster's, in PostgreSQL (--pg), so these commands change it
// there directly, with no node involved, and every node sees the change at its next
// registration. Main thread of `netdiskd admin`; blocks on PostgreSQL.
#pragma once

#include <optional>

#include "server/admin/admin_command.h"

namespace netdisk::server {

// The answer of admin.registration or admin.invite from PostgreSQL when `config` is cluster
// mode; nullopt for any other request or mode (it then goes to the node's socket or runs
// in-process). Errors: bad_request without --pg, the policy's, server_busy or io_error.
std::optional<Result<nlohmann::json>> cluster_registration_request(const ServerConfig& config,
                                                                   const AdminRequest& request);

}  // namespace netdisk::server
