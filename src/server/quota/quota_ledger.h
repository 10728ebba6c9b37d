// QuotaLedger: how many bytes each user stores, as a running total, and the check of a user's
// byte quota against it. The total counts every byte under the user's folder, the reserved
// entries included (partial uploads and, with the trash and versions, those too); it is
// counted once per user by a scan (reconcile_once(), at start-up or at the first use of the
// space), then kept by the calls that add and free bytes, never by a scan per upload.
//
// Uploads in progress hold a reservation for the bytes still to come: a new upload or copy is
// admitted only if used + reserved + its bytes fit the quota, so concurrent uploads cannot race
// past it together. Bytes freed for good go through release(), the one call that lowers a
// total. Thread-safe: one mutex over the numbers; the scan runs under a per-user mutex only.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "storage/storage_error.h"

namespace netdisk::server::quota {

class QuotaLedger {
 public:
  // The user's quota in bytes now (nullopt: none). Asked at every check, so a quota the
  // administrator changes takes effect at the next upload.
  using QuotaOf = std::function<std::optional<std::uint64_t>(std::string_view user)>;
  // Makes room for `bytes` more in `user`'s space by dropping their oldest file versions;
  // returns the bytes it freed (the ledger releases them). Called without any ledger lock.
  using MakeRoom = std::function<std::uint64_t(std::string_view user, std::uint64_t bytes)>;
  // Counts every byte of one user's space (UserSpace::stored_bytes("")).
  using Count = std::function<storage::StorageResult<std::uint64_t>()>;

  // `make_room` empty: an upload over quota is refused, nothing is dropped.
  explicit QuotaLedger(QuotaOf quota_of, MakeRoom make_room = {});

  // Counts `user`'s bytes with `count` unless that was done already; concurrent callers for
  // the same user wait for the first. A failed count is returned and tried again next time.
  storage::StorageStatus reconcile_once(std::string_view user, const Count& count);

  // Admits `bytes` more for `user` and holds them as reserved. quota_exceeded (nothing
  // reserved) when used + reserved + bytes is over the quota, after asking make_room.
  storage::StorageStatus reserve(std::string_view user, std::uint64_t bytes);
  // `bytes` of a reservation were written: they move from reserved to used.
  void settle(std::string_view user, std::uint64_t bytes);
  // Gives back `bytes` of a reservation that will not be written.
  void unreserve(std::string_view user, std::uint64_t bytes);
  // `bytes` now stored that no reservation covered (what a copy turned out to add).
  void charge(std::string_view user, std::uint64_t bytes);
  // `bytes` of `user` deleted for good: a removed or replaced file, a discarded or swept
  // partial upload, an emptied trash, a dropped version. The one way a total goes down.
  void release(std::string_view user, std::uint64_t bytes);

  struct Usage {
    std::uint64_t used = 0;      // stored, partial uploads included
    std::uint64_t reserved = 0;  // promised to uploads in progress
    std::optional<std::uint64_t> quota;
    bool counted = false;  // false: not reconciled yet, `used` means nothing
    // What is left for new bytes: nullopt without a quota.
    std::optional<std::uint64_t> free() const;
  };
  Usage usage(std::string_view user) const;

  // Drops what is known of `user` (their folder was deleted): a new user of the same name is
  // counted afresh.
  void forget(std::string_view user);

 private:
  struct Entry {
    std::mutex counting;  // held during the scan, so the first upload waits for it
    bool counted = false;
    std::uint64_t used = 0;
    std::uint64_t reserved = 0;
  };
  Entry& entry_locked(std::string_view user);
  // reserve() without make_room: how many bytes were missing (0: reserved).
  std::uint64_t try_reserve(std::string_view user, std::uint64_t bytes,
                            const std::optional<std::uint64_t>& quota);

  QuotaOf quota_of_;
  MakeRoom make_room_;
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Entry>, std::less<>> entries_;
};

}  // namespace netdisk::server::quota
