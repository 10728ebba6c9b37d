// Chunk intents: the row an upload writes before each chunk object, so that no object is ever
// left that no row names. A node that dies between writing an object and recording it leaves
// the intent; ClusterBackend's collection removes such objects once their intent is older than
// the chunk grace. The record of a chunk consumes its intent in the same statement
// (cluster_upload.cc), holding its row lock, so a collection and a late record never both win.
// Every call blocks on PostgreSQL or the chunk store: blocking pool only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cluster/storage/cluster_space.h"
#include "cluster/storage/store_db.h"

namespace netdisk::cluster {

// Records that object `oid` in namespace `ns` is about to be written, at `now_ns`.
storage::StorageStatus announce_chunk(const SqlRunner& sql, std::string_view ns,
                                      std::string_view oid, std::int64_t now_ns);

// For an object written but never to be recorded (the put failed, the hold was lost): removes
// it, then its intent. When the removal fails the intent stays for the collection.
storage::StorageStatus forget_chunk(const ClusterShared& shared, std::string_view ns,
                                    std::string_view oid);

// Removes the objects of intents announced at or before `cutoff_ns` that no record consumed,
// and the intents; how many. Each in its own transaction, the intent deleted (and its row
// locked) before the object goes, and restored when the removal fails.
storage::StorageResult<std::size_t> collect_stale_intents(const ClusterShared& shared,
                                                          std::int64_t cutoff_ns);

}  // namespace netdisk::cluster
