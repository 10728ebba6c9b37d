// ClusterDeletedUsers: storage::DeletedUsers (storage/deleted_users.h) for cluster mode. A
// deleted user's rows (files, folders, trash, versions) move in one transaction from the
// user's key to "deleted/<kept_as>", a key no account can have (it holds a '/'), and
// netdisk.deleted_users remembers when; their upload sessions end. The contents keep their
// chunk namespace, so the bytes stay where they are until remove() or sweep() deletes the rows
// and orphans the contents, whose chunks the backend's collection then removes after its grace.
// Thread-safe; every call blocks on PostgreSQL: blocking pool only.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "cluster/pg/pg.h"
#include "cluster/storage/store_db.h"
#include "storage/deleted_users.h"

namespace netdisk::cluster {

class ClusterDeletedUsers final : public storage::DeletedUsers {
 public:
  // `clock_ns`: the wall clock in ns since the epoch that dates orphaned contents (the
  // backend's). The tables exist already (ClusterBackend::open made them).
  ClusterDeletedUsers(std::shared_ptr<pg::PgPool> pool, std::function<std::int64_t()> clock_ns)
      : db_(std::move(pool)), clock_ns_(std::move(clock_ns)) {}

  Result<std::optional<std::string>> set_aside(std::string_view username, WallTime when) override;
  Status remove(std::string_view kept_as) override;
  Result<std::size_t> sweep(std::chrono::seconds retention, WallTime now) override;

 private:
  StoreDb db_;
  std::function<std::int64_t()> clock_ns_;
};

}  // namespace netdisk::cluster
