#include "server/cluster/share_backends.h"

#include <stdexcept>

#include <fmt/format.h>

#include "cluster/shares/pg_registration_policy.h"
#include "cluster/shares/pg_share_book.h"
#include "server/shares/file_share_book.h"

namespace netdisk::server {
namespace {

bool cluster_mode(const ServerConfig& config) {
  return config.storage_kind == ServerConfig::StorageKind::cluster;
}

// A download counts with one short statement; a few connections keep many at once moving.
constexpr std::size_t kShareConnections = 4;
constexpr std::size_t kRegistrationConnections = 2;

}  // namespace

std::unique_ptr<ShareBook> make_share_book(const ServerConfig& config,
                                           const storage::DataLayout& layout) {
  if (!cluster_mode(config))
    return std::make_unique<FileShareBook>(layout.data_dir() / "shares.txt");
  auto pool = std::make_shared<cluster::pg::PgPool>(config.pg_conninfo, kShareConnections);
  auto book = cluster::PgShareBook::open(std::move(pool));
  if (!book) {
    throw std::runtime_error(
        fmt::format("cannot prepare the share links in PostgreSQL: {}", book.error().message));
  }
  return std::move(*book);
}

std::unique_ptr<RegistrationPolicy> make_registration_policy(const ServerConfig& config,
                                                             const storage::DataLayout& layout) {
  if (!cluster_mode(config)) {
    auto policy = RegistrationPolicy::open(layout.data_dir() / kRegistrationFile);
    if (!policy) throw std::runtime_error(policy.error().message);
    return std::move(*policy);
  }
  auto pool = std::make_shared<cluster::pg::PgPool>(config.pg_conninfo, kRegistrationConnections);
  auto policy = cluster::PgRegistrationPolicy::open(std::move(pool));
  if (!policy) {
    throw std::runtime_error(fmt::format("cannot read the registration policy from PostgreSQL: {}",
                                         policy.error().message));
  }
  return std::move(*policy);
}

}  // namespace netdisk::server
