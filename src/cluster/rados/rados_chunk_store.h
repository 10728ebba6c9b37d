// RadosChunkStore: the ChunkStore (cluster/storage/chunk_store.h) on Ceph RADOS, through
// librados' C API. One connection (rados_t) per store, made at start-up; one pool, created if
// missing; a RADOS namespace per user. An ioctx carries its namespace as state, so calls take
// one from a small free list, set the namespace, and give it back: no ioctx is shared by two
// threads at once (librados' rule). Every call blocks on the cluster: blocking pool only.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cluster/storage/chunk_store.h"

namespace netdisk::cluster {

struct RadosOptions {
  std::string conf_file;         // a ceph.conf naming the monitors and the keyring
  std::string user = "admin";    // the client id (client.<user>)
  std::string pool = "netdisk";  // created when missing
};

class RadosChunkStore final : public ChunkStore {
 public:
  // Connects (reads the conf file, authenticates, opens or creates the pool). A message that
  // names the step on failure (the conf file's path is the operator's, not a client's).
  static Result<std::unique_ptr<RadosChunkStore>> connect(const RadosOptions& options);
  ~RadosChunkStore() override;
  RadosChunkStore(const RadosChunkStore&) = delete;
  RadosChunkStore& operator=(const RadosChunkStore&) = delete;

  ChunkStatus put(std::string_view ns, std::string_view oid,
                  std::span<const std::byte> bytes) override;
  ChunkResult<std::size_t> read(std::string_view ns, std::string_view oid, std::uint64_t offset,
                                std::span<std::byte> into) override;
  ChunkStatus remove(std::string_view ns, std::string_view oid) override;

 private:
  class Lease;  // an ioctx taken from the free list, set to one namespace
  RadosChunkStore(void* cluster, std::string pool) : cluster_(cluster), pool_(std::move(pool)) {}
  ChunkResult<void*> take_ioctx(std::string_view ns);
  void give_back(void* ioctx);

  void* cluster_;  // rados_t
  std::string pool_;
  std::mutex mutex_;
  std::vector<void*> idle_;  // rados_ioctx_t, no namespace in use
};

}  // namespace netdisk::cluster
