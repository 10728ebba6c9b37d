// Kept versions in the cluster namespace (rows of netdisk.versions sharing the replaced
// content: no byte moves), with the local backend's ids and pruning rules
// (storage/retention.h). Helpers for a transaction holding the user's lock; blocking.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "cluster/storage/cluster_rows.h"
#include "storage/retention.h"

namespace netdisk::cluster {

// Keeps `current` (the file at its path, about to be replaced) as a version dated by the
// Retention clock and prunes that path's versions by the Retention; with versions_kept 0 it
// keeps nothing and the replaced file itself counts as freed. Returns what was dropped.
storage::StorageResult<storage::Freed> keep_version(const SqlRunner& tx, const std::string& user,
                                                    const EntryRow& current,
                                                    const storage::Retention& retention,
                                                    std::int64_t now_ns);

// The first steps of publishing new content at a name, in the publishing transaction: the
// file there now (`current`, if any) kept as a version (keep_version), and the new content's
// version tag drawn. For an upload's commit and for restoring a version alike.
struct Replacing {
  storage::Freed freed;
  std::string tag;
};
storage::StorageResult<Replacing> begin_replacing(const SqlRunner& tx, const std::string& user,
                                                  const std::optional<EntryRow>& current,
                                                  const storage::Retention& retention,
                                                  std::int64_t now_ns);

// Drops the versions beyond the newest `keep` of each path and those older than `cutoff_ns`
// (0: no age limit), of one path when `path` is set. Their contents are orphaned.
storage::StorageResult<storage::Freed> prune_version_rows(const SqlRunner& tx,
                                                          const std::string& user, std::size_t keep,
                                                          std::int64_t cutoff_ns,
                                                          const std::string* path,
                                                          std::int64_t now_ns);

// The Retention's age cutoff in ns (0: none).
std::int64_t version_cutoff(const storage::Retention& retention);

}  // namespace netdisk::cluster
