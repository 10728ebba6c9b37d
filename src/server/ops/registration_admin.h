// The bodies of admin.registration and admin.invite (admin_ops.h) on a RegistrationPolicy,
// apart from any server: the admin ops run them on the blocking pool, and `netdiskd admin` in
// cluster mode runs them against PostgreSQL itself (admin/admin_cluster_registration.cc), so
// both answer the same fields. Blocking (the policy's file or database): blocking pool or the
// admin tool's main thread.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "server/accounts/registration_policy.h"

namespace netdisk::server::ops {

// {"mode": ..., "invites": N usable}
nlohmann::json registration_fields(const RegistrationPolicy& policy);

// `op` is "admin.registration" (sets "mode" when given) or "admin.invite" ("uses",
// "valid_for" in seconds). Errors: bad_request for a malformed field or another op, and the
// policy's.
Result<nlohmann::json> run_registration_request(RegistrationPolicy& policy, std::string_view op,
                                                const nlohmann::json& body);

}  // namespace netdisk::server::ops
