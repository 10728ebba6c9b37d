// The chunk list of one content and reading it back: what an OpenFile of the cluster backend
// holds (so it keeps reading the version it opened while the name is replaced), and what a
// resumed upload re-reads to finish its checksum. Blocking (database, chunk store).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "cluster/storage/chunk_store.h"
#include "cluster/storage/store_db.h"
#include "storage/checksum.h"
#include "storage/storage_error.h"

namespace netdisk::cluster {

struct ChunkRef {
  std::string oid;
  std::uint64_t start = 0;  // the chunk's first byte in the file
  std::uint64_t length = 0;
};

// A content's chunks in order, with their offsets.
class ChunkList {
 public:
  static storage::StorageResult<ChunkList> load(const SqlRunner& sql, std::int64_t content_id);
  std::uint64_t size() const {
    return chunks_.empty() ? 0 : chunks_.back().start + chunks_.back().length;
  }

  // Reads up to into.size() bytes at `offset` from the user's namespace `ns`; fewer only at the
  // end. io_error for a chunk shorter than recorded or unreadable.
  storage::StorageResult<std::size_t> read_at(ChunkStore& store, const std::string& ns,
                                              std::uint64_t offset,
                                              std::span<std::byte> into) const;
  // Feeds bytes [0, length) to `hasher`.
  storage::StorageStatus hash_prefix(ChunkStore& store, const std::string& ns, std::uint64_t length,
                                     storage::Xxh3Hasher& hasher) const;

 private:
  std::vector<ChunkRef> chunks_;
};

// A ChunkStore error as a StorageError (no_space, io_error; bad_name and too_large are bugs
// of the caller and read as io_error).
storage::StorageError chunk_failure(const ChunkError& error);

}  // namespace netdisk::cluster
