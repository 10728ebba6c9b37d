// make_storage_backend: picks the storage backend for config.storage_kind (contract of issue
// #22): local, this machine's folders (storage::LocalBackend under the data layout's home);
// cluster, the namespace in PostgreSQL and the bytes in Ceph RADOS (cluster::ClusterBackend).
// Called once by Services at start-up, on the main thread; it blocks while it connects.
#pragma once

#include <memory>

#include "server/server_config.h"
#include "storage/data_layout.h"
#include "storage/deleted_users.h"
#include "storage/user_space.h"

namespace netdisk::server {

// Throws std::runtime_error naming what failed (PostgreSQL unreachable, the Ceph
// configuration unreadable, the pool not creatable): the server does not start then.
std::unique_ptr<storage::Backend> make_storage_backend(const ServerConfig& config,
                                                       const storage::DataLayout& layout);

// Where deleted users' files wait out their retention (storage/deleted_users.h): deleted/ in
// the data folder, or rows in PostgreSQL in cluster mode (after make_storage_backend() made the
// tables). Throws as above.
std::unique_ptr<storage::DeletedUsers> make_deleted_users(const ServerConfig& config,
                                                          const storage::DataLayout& layout);

}  // namespace netdisk::server
