// QuotaLedger: the interface of how many bytes each user stores and the check of their byte
// quota against it, with reservations for uploads and copies in progress: a new upload or copy
// is admitted only if used + reserved + its bytes fit the quota, so concurrent uploads cannot
// race past it together. Two implementations, picked once at start-up (services.cc):
// LocalQuotaLedger (local_quota_ledger.h: running totals in memory, one node) and, in cluster
// mode, cluster::PgQuotaLedger (cluster/quota/pg_quota_ledger.h: PostgreSQL, every node).
// Thread-safe. usage() never blocks; the other calls may block (cluster: PostgreSQL), so they
// run on the blocking pool, where every storage call already runs.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "storage/storage_error.h"

namespace netdisk::server::quota {

class QuotaLedger {
 public:
  // The user's quota in bytes now (nullopt: none).
  using QuotaOf = std::function<std::optional<std::uint64_t>(std::string_view user)>;
  // Makes room for `bytes` more in `user`'s space by dropping their oldest file versions;
  // returns the bytes it freed (the ledger releases them). Called without any ledger lock.
  using MakeRoom = std::function<std::uint64_t(std::string_view user, std::uint64_t bytes)>;
  // Counts every byte of one user's space (UserSpace::stored_bytes("")).
  using Count = std::function<storage::StorageResult<std::uint64_t>()>;

  virtual ~QuotaLedger() = default;

  // Counts `user`'s bytes (with `count`, or from the shared truth) unless that was done
  // already; concurrent callers for the same user wait for the first. A failed count is
  // returned and tried again next time.
  virtual storage::StorageStatus reconcile_once(std::string_view user, const Count& count) = 0;

  // Admits `bytes` more for `user` and holds them as reserved. quota_exceeded (nothing
  // reserved) when used + reserved + bytes is over the quota, after asking make_room.
  virtual storage::StorageStatus reserve(std::string_view user, std::uint64_t bytes) = 0;
  // `bytes` of a reservation were written: they move from reserved to used.
  virtual void settle(std::string_view user, std::uint64_t bytes) = 0;
  // Gives back `bytes` of a reservation that will not be written.
  virtual void unreserve(std::string_view user, std::uint64_t bytes) = 0;
  // `bytes` now stored that no reservation covered (what a copy turned out to add).
  virtual void charge(std::string_view user, std::uint64_t bytes) = 0;
  // `bytes` of `user` deleted for good: a removed or replaced file, a discarded or swept
  // partial upload, an emptied trash, a dropped version. The one way a total goes down.
  virtual void release(std::string_view user, std::uint64_t bytes) = 0;

  // How many bytes an upload sink may have received (and settled) before the ledger's truth
  // counts them as used: 0 when used follows settle() at once (local); a cluster sink buffers
  // up to one chunk before it records it. QuotaSink keeps that many written bytes reserved
  // until the upload ends, so the figure other nodes see never misses them.
  virtual std::uint64_t settle_lag() const { return 0; }

  struct Usage {
    std::uint64_t used = 0;      // stored, partial uploads included
    std::uint64_t reserved = 0;  // promised to uploads in progress
    std::optional<std::uint64_t> quota;
    bool counted = false;  // false: not counted yet, `used` means nothing
    // What is left for new bytes: nullopt without a quota.
    std::optional<std::uint64_t> free() const {
      if (!quota) return std::nullopt;
      return used + reserved >= *quota ? 0 : *quota - (used + reserved);
    }
  };
  // The figures as last known on this node; memory only, never blocks (safe on an I/O thread).
  virtual Usage usage(std::string_view user) const = 0;
  // Brings usage(user) up to date with the shared truth (cluster: every node's uploads);
  // nothing to do for the local ledger. Blocks: blocking pool only.
  virtual storage::StorageStatus refresh(std::string_view user) {
    (void)user;
    return {};
  }

  // Drops what is known of `user` (their folder was deleted): a new user of the same name is
  // counted afresh.
  virtual void forget(std::string_view user) = 0;
};

// The refusal every ledger gives: `bytes` needed, `free` of `quota` left.
inline storage::StorageError quota_exceeded_error(std::uint64_t bytes, std::uint64_t free,
                                                  std::uint64_t quota) {
  return storage::storage_error(
      storage::StorageErrc::quota_exceeded,
      fmt::format("over quota: this needs {} bytes, your quota of {} bytes has {} left", bytes,
                  quota, free));
}

}  // namespace netdisk::server::quota
