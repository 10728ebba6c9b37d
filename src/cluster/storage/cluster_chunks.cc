// Chunk lists (cluster_chunks.h).
#include "cluster/storage/cluster_chunks.h"

#include <algorithm>

#include <fmt/format.h>

namespace netdisk::cluster {

using storage::storage_error;
using storage::StorageErrc;
using storage::StorageError;

storage::StorageError chunk_failure(const ChunkError& error) {
  auto code = error.code == ChunkErrc::no_space ? StorageErrc::no_space : StorageErrc::io_error;
  return storage_error(code, "chunk store: " + error.message);
}

storage::StorageResult<ChunkList> ChunkList::load(const SqlRunner& sql, std::int64_t content_id) {
  auto rows = sql.exec("SELECT oid, length FROM netdisk.chunks WHERE content_id = $1 ORDER BY idx",
                       {param(content_id)});
  if (!rows) return std::move(rows).error();
  ChunkList list;
  std::uint64_t start = 0;
  for (int i = 0; i < rows->rows(); ++i) {
    auto length = static_cast<std::uint64_t>(column_i64(*rows, i, 1));
    list.chunks_.push_back(ChunkRef{std::string(rows->text(i, 0)), start, length});
    start += length;
  }
  return list;
}

storage::StorageResult<std::size_t> ChunkList::read_at(ChunkStore& store, const std::string& ns,
                                                       std::uint64_t offset,
                                                       std::span<std::byte> into) const {
  std::size_t done = 0;
  auto it = std::upper_bound(chunks_.begin(), chunks_.end(), offset,
                             [](std::uint64_t at, const ChunkRef& c) { return at < c.start; });
  if (it == chunks_.begin()) return std::size_t{0};
  for (--it; it != chunks_.end() && done < into.size(); ++it) {
    std::uint64_t at = offset + done - it->start;
    if (at >= it->length) continue;  // an empty chunk
    std::size_t want =
        static_cast<std::size_t>(std::min<std::uint64_t>(into.size() - done, it->length - at));
    auto got = store.read(ns, it->oid, at, into.subspan(done, want));
    if (!got) return chunk_failure(got.error());
    if (*got != want) {
      return storage_error(StorageErrc::io_error,
                           fmt::format("chunk store: object {} is shorter than recorded", it->oid));
    }
    done += want;
  }
  return done;
}

storage::StorageStatus ChunkList::hash_prefix(ChunkStore& store, const std::string& ns,
                                              std::uint64_t length,
                                              storage::Xxh3Hasher& hasher) const {
  std::vector<std::byte> buffer(std::size_t{1} << 20);
  for (std::uint64_t at = 0; at < length;) {
    std::size_t want =
        static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), length - at));
    auto got = read_at(store, ns, at, std::span(buffer).first(want));
    if (!got) return std::move(got).error();
    if (*got != want) return storage_error(StorageErrc::io_error, "chunk store: content is short");
    hasher.update(std::span(buffer).first(want));
    at += want;
  }
  return {};
}

}  // namespace netdisk::cluster
