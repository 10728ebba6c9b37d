#include "server/admin/admin_cluster_registration.h"

#include <memory>

#include "cluster/shares/pg_registration_policy.h"
#include "server/ops/registration_admin.h"

namespace netdisk::server {

std::optional<Result<nlohmann::json>> cluster_registration_request(const ServerConfig& config,
                                                                   const AdminRequest& request) {
  if (config.storage_kind != ServerConfig::StorageKind::cluster) return std::nullopt;
  if (request.op != "admin.registration" && request.op != "admin.invite") return std::nullopt;
  if (config.pg_conninfo.empty()) {
    return Result<nlohmann::json>(make_error(
        Errc::bad_request,
        "a cluster's registration is in PostgreSQL: give --pg (or pg in the configuration file)"));
  }
  auto policy = cluster::PgRegistrationPolicy::open(
      std::make_shared<cluster::pg::PgPool>(config.pg_conninfo, 1));
  if (!policy) return Result<nlohmann::json>(std::move(policy).error());
  return ops::run_registration_request(**policy, request.op, request.fields);
}

}  // namespace netdisk::server
