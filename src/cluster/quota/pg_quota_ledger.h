// PgQuotaLedger: the QuotaLedger (server/quota/quota_ledger.h) of cluster mode, one for the
// whole cluster. Used bytes are not kept anywhere: they are what the cluster storage records
// (netdisk.entries, trash included, + uploads' recorded chunks + versions: the figure of
// ClusterSpace::stored_bytes("")), read when needed. Each node's reservations for uploads and
// copies in progress are one row per (user, node) in netdisk.quota_reservations, with a lease
// that the node renews while it lives; a dead node's rows stop counting once the lease ends.
// A reservation is decided in one transaction holding the user's advisory lock (the key the
// cluster storage takes for every change of that user): used + every node's live reservations
// + the new bytes must fit the quota read from netdisk.users in that same transaction.
// Thread-safe; every call but usage() blocks on PostgreSQL (blocking pool only). One thread of
// its own renews the leases.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "cluster/pg/pg.h"
#include "cluster/storage/store_db.h"
#include "server/quota/quota_ledger.h"

namespace netdisk::cluster {

struct PgQuotaOptions {
  std::string node_name = "node";  // the rows' holder is this name and a random suffix
  // How long a reservation counts without its node renewing it; renewed every lease / 3 by the
  // ledger's own thread (renew_thread false: only by renew(), for tests with a moved clock).
  std::chrono::seconds lease{30};
  bool renew_thread = true;
  std::function<std::int64_t()> clock_ns;  // wall clock in ns; empty: the system clock
  // The quota of a user whose account row names none (the server's --default-quota).
  server::quota::QuotaLedger::QuotaOf default_quota;
  // Bytes an upload sink may hold received but not recorded yet (one chunk of the storage).
  std::uint64_t settle_lag = 4u << 20;
  // Settled bytes are written to the node's row once this many have gathered (or when the
  // upload ends): until then the row says more than is still to come, never less.
  std::uint64_t settle_batch = 1u << 20;
};

class PgQuotaLedger final : public server::quota::QuotaLedger {
 public:
  // Creates netdisk.quota_reservations if missing (ensure_schema). The storage's and the
  // accounts' tables are read at the first check, so they may be created after this.
  static storage::StorageResult<std::shared_ptr<PgQuotaLedger>> open(
      std::shared_ptr<pg::PgPool> pool, PgQuotaOptions options, MakeRoom make_room = {});
  PgQuotaLedger(std::shared_ptr<pg::PgPool> pool, PgQuotaOptions options, MakeRoom make_room);
  // Stops the renewal and deletes this node's rows: its uploads are over.
  ~PgQuotaLedger() override;

  storage::StorageStatus reconcile_once(std::string_view user, const Count& count) override;
  storage::StorageStatus reserve(std::string_view user, std::uint64_t bytes) override;
  void settle(std::string_view user, std::uint64_t bytes) override;
  void unreserve(std::string_view user, std::uint64_t bytes) override;
  // The storage's rows are the truth: what is added or freed is seen at the next read.
  void charge(std::string_view, std::uint64_t) override {}
  void release(std::string_view, std::uint64_t) override {}
  std::uint64_t settle_lag() const override { return options_.settle_lag; }
  Usage usage(std::string_view user) const override;
  storage::StorageStatus refresh(std::string_view user) override;
  void forget(std::string_view user) override;

  // Writes every row of this node again with a new lease (what the renewal thread does).
  storage::StorageStatus renew();
  const std::string& holder() const { return holder_; }

 private:
  // This node's reservation for one user: `held` is what its row should say, `written` what
  // the row says. `writing` serialises the row's writes.
  struct Hold {
    std::mutex writing;
    std::uint64_t held = 0;
    std::uint64_t written = 0;
  };
  struct Figures {
    std::uint64_t used = 0;
    std::uint64_t reserved = 0;  // every node's live rows
    std::optional<std::uint64_t> quota;
    bool counted = false;  // false: a check without a quota skipped the sums
  };
  std::shared_ptr<Hold> hold_of(std::string_view user);
  std::int64_t now_ns() const;
  // The user's figures now; `for_check`: the sums only when a quota makes them matter.
  storage::StorageResult<Figures> figures(const SqlRunner& sql, std::string_view user,
                                          bool for_check) const;
  // One check under the user's lock: the bytes missing (0: reserved and written).
  storage::StorageResult<std::uint64_t> try_reserve(std::string_view user, Hold& hold,
                                                    std::uint64_t bytes,
                                                    std::optional<std::uint64_t>& quota);
  // Makes the row say hold.held (deleted at 0); on failure it stays as it was, an overcount
  // that the next write or renew() corrects. `writing` held.
  void write_row(std::string_view user, Hold& hold);
  void remember(std::string_view user, const Figures& figures);
  void renew_loop();

  StoreDb db_;
  PgQuotaOptions options_;
  MakeRoom make_room_;
  std::string holder_;
  mutable std::mutex mutex_;  // over holds_ and known_
  std::map<std::string, std::shared_ptr<Hold>, std::less<>> holds_;
  std::map<std::string, Usage, std::less<>> known_;  // usage() answers from here
  std::mutex stop_mutex_;
  std::condition_variable stop_wake_;
  bool stopping_ = false;
  std::thread renewer_;
};

}  // namespace netdisk::cluster
