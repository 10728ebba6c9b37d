// RadosChunkStore (rados_chunk_store.h): rados_write_full / rados_read / rados_remove on an
// ioctx leased for the call.
#include "cluster/rados/rados_chunk_store.h"

#include <rados/librados.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace netdisk::cluster {
namespace {

ChunkError rados_error(int negative_errno, std::string_view what, std::string_view oid) {
  int errnum = -negative_errno;
  ChunkErrc code = ChunkErrc::io_error;
  if (errnum == ENOENT) code = ChunkErrc::not_found;
  if (errnum == ENOSPC || errnum == EDQUOT) code = ChunkErrc::no_space;
  if (errnum == E2BIG || errnum == EFBIG) code = ChunkErrc::too_large;
  return ChunkError{code, fmt::format("{} object {}: {}", what, oid, std::strerror(errnum))};
}

Error start_error(int negative_errno, std::string_view step) {
  return make_error(Errc::internal_error,
                    fmt::format("RADOS: {}: {}", step, std::strerror(-negative_errno)));
}

}  // namespace

// The ioctx of one call; given back to the free list at the end of the call.
class RadosChunkStore::Lease {
 public:
  Lease(RadosChunkStore& store, void* ioctx) : store_(store), ioctx_(ioctx) {}
  ~Lease() { store_.give_back(ioctx_); }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  rados_ioctx_t get() const { return static_cast<rados_ioctx_t>(ioctx_); }

 private:
  RadosChunkStore& store_;
  void* ioctx_;
};

Result<std::unique_ptr<RadosChunkStore>> RadosChunkStore::connect(const RadosOptions& options) {
  rados_t cluster = nullptr;
  if (int rc = rados_create(&cluster, options.user.c_str()); rc < 0) {
    return start_error(rc, "create the client");
  }
  // Owned from here: the destructor shuts the connection down.
  std::unique_ptr<RadosChunkStore> store(new RadosChunkStore(cluster, options.pool));
  if (int rc = rados_conf_read_file(cluster, options.conf_file.c_str()); rc < 0) {
    return start_error(rc, "read the configuration file");
  }
  if (int rc = rados_connect(cluster); rc < 0) return start_error(rc, "connect");
  if (rados_pool_lookup(cluster, options.pool.c_str()) < 0) {
    int rc = rados_pool_create(cluster, options.pool.c_str());
    if (rc < 0 && rc != -EEXIST) return start_error(rc, "create the pool");
  }
  auto first = store->take_ioctx("");  // proves the pool opens now, not on the first upload
  if (!first) return make_error(Errc::internal_error, "RADOS: " + first.error().message);
  store->give_back(*first);
  return store;
}

RadosChunkStore::~RadosChunkStore() {
  for (void* ioctx : idle_) rados_ioctx_destroy(static_cast<rados_ioctx_t>(ioctx));
  rados_shutdown(static_cast<rados_t>(cluster_));
}

ChunkResult<void*> RadosChunkStore::take_ioctx(std::string_view ns) {
  void* ioctx = nullptr;
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      ioctx = idle_.back();
      idle_.pop_back();
    }
  }
  if (ioctx == nullptr) {
    rados_ioctx_t made = nullptr;
    if (int rc = rados_ioctx_create(static_cast<rados_t>(cluster_), pool_.c_str(), &made); rc < 0) {
      return rados_error(rc, "open the pool for", "");
    }
    ioctx = made;
  }
  rados_ioctx_set_namespace(static_cast<rados_ioctx_t>(ioctx), std::string(ns).c_str());
  return ioctx;
}

void RadosChunkStore::give_back(void* ioctx) {
  std::lock_guard lock(mutex_);
  idle_.push_back(ioctx);
}

ChunkStatus RadosChunkStore::put(std::string_view ns, std::string_view oid,
                                 std::span<const std::byte> bytes) {
  if (!is_chunk_name(ns) || !is_chunk_name(oid)) {
    return ChunkError{ChunkErrc::bad_name, fmt::format("refused object name '{}'", oid)};
  }
  if (bytes.size() > kMaxObjectBytes) {
    return ChunkError{ChunkErrc::too_large, fmt::format("object {} is too large", oid)};
  }
  auto ioctx = take_ioctx(ns);
  if (!ioctx) return std::move(ioctx).error();
  Lease lease(*this, *ioctx);
  int rc = rados_write_full(lease.get(), std::string(oid).c_str(),
                            reinterpret_cast<const char*>(bytes.data()), bytes.size());
  if (rc < 0) return rados_error(rc, "write", oid);
  return {};
}

ChunkResult<std::size_t> RadosChunkStore::read(std::string_view ns, std::string_view oid,
                                               std::uint64_t offset, std::span<std::byte> into) {
  if (!is_chunk_name(ns) || !is_chunk_name(oid)) {
    return ChunkError{ChunkErrc::bad_name, fmt::format("refused object name '{}'", oid)};
  }
  auto ioctx = take_ioctx(ns);
  if (!ioctx) return std::move(ioctx).error();
  Lease lease(*this, *ioctx);
  std::string name(oid);
  std::size_t done = 0;
  // rados_read may return fewer bytes than asked before the end; an answer of 0 is the end.
  while (done < into.size()) {
    int rc = rados_read(lease.get(), name.c_str(), reinterpret_cast<char*>(into.data() + done),
                        into.size() - done, offset + done);
    if (rc < 0) return rados_error(rc, "read", oid);
    if (rc == 0) break;
    done += static_cast<std::size_t>(rc);
  }
  return done;
}

ChunkStatus RadosChunkStore::remove(std::string_view ns, std::string_view oid) {
  if (!is_chunk_name(ns) || !is_chunk_name(oid)) {
    return ChunkError{ChunkErrc::bad_name, fmt::format("refused object name '{}'", oid)};
  }
  auto ioctx = take_ioctx(ns);
  if (!ioctx) return std::move(ioctx).error();
  Lease lease(*this, *ioctx);
  if (int rc = rados_remove(lease.get(), std::string(oid).c_str()); rc < 0) {
    return rados_error(rc, "remove", oid);
  }
  return {};
}

}  // namespace netdisk::cluster
