// ChunkStore: where the cluster backend (cluster_backend.h) keeps file bytes, as immutable
// objects written whole once and then only read or removed. Each user's objects live in a
// namespace of their own (the user's key), so no object id can reach another user's bytes.
// Implementations: RadosChunkStore (cluster/rados/, Ceph RADOS) and DirChunkStore (files in a
// local folder, the test twin). Every call blocks on a disk or a network: call it on the
// server's blocking pool. Implementations are thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "common/result.h"

namespace netdisk::cluster {

enum class ChunkErrc {
  not_found,  // no such object
  no_space,   // the store is full (ENOSPC, EDQUOT)
  bad_name,   // a namespace or object id the store refuses (cannot name another place)
  too_large,  // over the store's object size limit
  io_error,   // the device or the cluster failed
};

struct ChunkError {
  ChunkErrc code = ChunkErrc::io_error;
  std::string message;  // names the object id, never a server-side path
};

template <typename T>
using ChunkResult = BasicResult<T, ChunkError>;
using ChunkStatus = ChunkResult<void>;

// The largest object a store is asked to hold (RADOS refuses objects over 128 MiB by default;
// the backend writes chunks of kChunkBytes, cluster_layout.h).
inline constexpr std::size_t kMaxObjectBytes = std::size_t{64} << 20;

// True for a namespace or object id every store accepts: 1-128 ASCII letters, digits, '_',
// '-' and '.', not starting with '.' (a user key and the backend's object ids are).
bool is_chunk_name(std::string_view name) noexcept;

class ChunkStore {
 public:
  virtual ~ChunkStore() = default;

  // Writes the whole object `oid` in namespace `ns`; durable when it returns. Replaces an
  // object of the same id (the backend never reuses one for other bytes). bad_name, too_large,
  // no_space, io_error.
  virtual ChunkStatus put(std::string_view ns, std::string_view oid,
                          std::span<const std::byte> bytes) = 0;

  // Reads up to into.size() bytes at `offset`; fewer only at the object's end (0 past it).
  // not_found, io_error.
  virtual ChunkResult<std::size_t> read(std::string_view ns, std::string_view oid,
                                        std::uint64_t offset, std::span<std::byte> into) = 0;

  // Removes the object. not_found if there is none.
  virtual ChunkStatus remove(std::string_view ns, std::string_view oid) = 0;
};

}  // namespace netdisk::cluster
