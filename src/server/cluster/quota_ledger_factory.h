// make_quota_ledger: picks the quota ledger for config.storage_kind (issue #22): local, the
// running totals of this node (quota::LocalQuotaLedger); cluster, one ledger for every node in
// PostgreSQL (cluster::PgQuotaLedger). Called once by Services at start-up, on the main
// thread; in cluster mode it connects to PostgreSQL then.
#pragma once

#include <memory>

#include "server/quota/quota_ledger.h"
#include "server/server_config.h"

namespace netdisk::server {

// `quota_of`: the account's quota or the default (local mode asks it at every check);
// `default_quota`: the server's default alone (cluster mode reads the account's quota from
// PostgreSQL in the check's own transaction). Throws std::runtime_error when PostgreSQL
// cannot be reached: the server does not start then.
std::shared_ptr<quota::QuotaLedger> make_quota_ledger(const ServerConfig& config,
                                                      quota::QuotaLedger::QuotaOf quota_of,
                                                      quota::QuotaLedger::QuotaOf default_quota,
                                                      quota::QuotaLedger::MakeRoom make_room);

}  // namespace netdisk::server
