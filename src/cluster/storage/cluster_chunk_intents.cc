#include "cluster/storage/cluster_chunk_intents.h"

#include <string>

#include "cluster/storage/cluster_chunks.h"

namespace netdisk::cluster {

using storage::StorageResult;
using storage::StorageStatus;

StorageStatus announce_chunk(const SqlRunner& sql, std::string_view ns, std::string_view oid,
                             std::int64_t now_ns) {
  auto added = sql.exec(
      "INSERT INTO netdisk.chunk_intents (ns, oid, created_ns) VALUES ($1, $2, $3) "
      "ON CONFLICT (ns, oid) DO UPDATE SET created_ns = EXCLUDED.created_ns",
      {std::string(ns), std::string(oid), param(now_ns)});
  if (!added) return std::move(added).error();
  return {};
}

StorageStatus forget_chunk(const ClusterShared& shared, std::string_view ns, std::string_view oid) {
  auto removed = shared.chunks->remove(ns, oid);
  if (!removed && removed.error().code != ChunkErrc::not_found) {
    return chunk_failure(removed.error());
  }
  auto gone = shared.db.exec("DELETE FROM netdisk.chunk_intents WHERE ns = $1 AND oid = $2",
                             {std::string(ns), std::string(oid)});
  if (!gone) return std::move(gone).error();
  return {};
}

namespace {

// One stale intent: its row deleted under the transaction, then its object removed; a
// failed removal rolls the deletion back.
StorageResult<bool> collect_one_intent(const ClusterShared& shared, const std::string& ns,
                                       const std::string& oid, std::int64_t cutoff_ns) {
  bool collected = false;
  auto done = shared.db.locked(ns, [&](StoreTx& tx) -> StorageStatus {
    auto taken =
        tx.exec("DELETE FROM netdisk.chunk_intents WHERE ns = $1 AND oid = $2 AND created_ns <= $3",
                {ns, oid, param(cutoff_ns)});
    if (!taken) return std::move(taken).error();
    if (taken->affected() == 0) return {};  // recorded or forgotten meanwhile
    auto removed = shared.chunks->remove(ns, oid);
    if (!removed && removed.error().code != ChunkErrc::not_found) {
      return chunk_failure(removed.error());
    }
    collected = true;
    return {};
  });
  if (!done) return std::move(done).error();
  return collected;
}

}  // namespace

StorageResult<std::size_t> collect_stale_intents(const ClusterShared& shared,
                                                 std::int64_t cutoff_ns) {
  auto due = shared.db.exec(
      "SELECT ns, oid FROM netdisk.chunk_intents WHERE created_ns <= $1 ORDER BY created_ns "
      "LIMIT 10000",
      {param(cutoff_ns)});
  if (!due) return std::move(due).error();
  std::size_t collected = 0;
  for (int i = 0; i < due->rows(); ++i) {
    auto one = collect_one_intent(shared, std::string(due->text(i, 0)),
                                  std::string(due->text(i, 1)), cutoff_ns);
    if (!one) return std::move(one).error();
    if (*one) ++collected;
  }
  return collected;
}

}  // namespace netdisk::cluster
