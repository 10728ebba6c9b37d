// LocalQuotaLedger: the QuotaLedger (quota_ledger.h) of one node, the default. Each user's
// total counts every byte under the user's folder, the reserved entries included (partial
// uploads and, with the trash and versions, those too); it is counted once per user by a scan
// (reconcile_once(), at start-up or at the first use of the space), then kept by the calls
// that add and free bytes, never by a scan per upload. Thread-safe: one mutex over the
// numbers; the scan runs under a per-user mutex only. Nothing here blocks but the scan.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "server/quota/quota_ledger.h"

namespace netdisk::server::quota {

class LocalQuotaLedger final : public QuotaLedger {
 public:
  // `quota_of` is asked at every check, so a quota the administrator changes takes effect at
  // the next upload. `make_room` empty: an upload over quota is refused, nothing is dropped.
  explicit LocalQuotaLedger(QuotaOf quota_of, MakeRoom make_room = {});

  storage::StorageStatus reconcile_once(std::string_view user, const Count& count) override;
  storage::StorageStatus reserve(std::string_view user, std::uint64_t bytes) override;
  void settle(std::string_view user, std::uint64_t bytes) override;
  void unreserve(std::string_view user, std::uint64_t bytes) override;
  void charge(std::string_view user, std::uint64_t bytes) override;
  void release(std::string_view user, std::uint64_t bytes) override;
  Usage usage(std::string_view user) const override;
  void forget(std::string_view user) override;

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
