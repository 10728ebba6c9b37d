#include "server/ops/quota_ops.h"

#include "server/ops/storage_access.h"
#include "server/services.h"

namespace netdisk::server::ops {

nlohmann::json usage_fields(const Services& server, std::string_view user) {
  auto usage = server.quota->usage(user);
  auto free = usage.free();
  return {{"used", usage.used},
          {"reserved", usage.reserved},
          {"quota", usage.quota ? nlohmann::json(*usage.quota) : nlohmann::json()},
          {"free", free ? nlohmann::json(*free) : nlohmann::json()}};
}

boost::asio::awaitable<OpResult> disk_usage(OpCall& call) {
  // Opening the space is what counts it (quota::QuotaBackend::open_space); once open, the
  // figures are the ledger's running totals, read without touching the disk. In cluster mode
  // refresh() reads every node's figures from PostgreSQL, there on the blocking pool.
  auto& ledger = *call.server.quota;
  std::string user(*call.session.user());
  auto opened = co_await with_space(call, [&ledger, &user](storage::UserSpace&) -> Status {
    if (auto fresh = ledger.refresh(user); !fresh) return wire_error(fresh.error());
    return {};
  });
  if (!opened) co_return std::move(opened).error();
  co_return reply_with(usage_fields(call.server, *call.session.user()));
}

}  // namespace netdisk::server::ops
