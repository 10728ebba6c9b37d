// make_quota_ledger (quota_ledger_factory.h).
#include "server/cluster/quota_ledger_factory.h"

#include <stdexcept>

#include "cluster/pg/pg.h"
#include "cluster/quota/pg_quota_ledger.h"
#include "cluster/storage/cluster_space.h"
#include "server/cluster/cluster_options.h"
#include "server/quota/local_quota_ledger.h"

namespace netdisk::server {

std::shared_ptr<quota::QuotaLedger> make_quota_ledger(const ServerConfig& config,
                                                      quota::QuotaLedger::QuotaOf quota_of,
                                                      quota::QuotaLedger::QuotaOf default_quota,
                                                      quota::QuotaLedger::MakeRoom make_room) {
  if (config.storage_kind != ServerConfig::StorageKind::cluster) {
    return std::make_shared<quota::LocalQuotaLedger>(std::move(quota_of), std::move(make_room));
  }
  // Checks run on the blocking pool beside the storage calls, each holding one connection;
  // one more for the lease renewal.
  auto pool = std::make_shared<cluster::pg::PgPool>(config.pg_conninfo,
                                                    std::size_t{config.blocking_threads} + 1);
  cluster::PgQuotaOptions options;
  options.node_name = node_name_of(config);
  options.default_quota = std::move(default_quota);
  options.settle_lag = cluster::kChunkBytes;  // the cluster sink records whole chunks
  auto ledger =
      cluster::PgQuotaLedger::open(std::move(pool), std::move(options), std::move(make_room));
  if (!ledger) throw std::runtime_error("quota ledger: " + ledger.error().message);
  return std::move(*ledger);
}

}  // namespace netdisk::server
