// The cluster's quota ledger (cluster/quota/pg_quota_ledger.h) as two nodes see it: two
// ledgers, each with its own connection pool and its own cluster backend, on one scratch
// PostgreSQL and one DirChunkStore. Uploads are admitted on both until the quota, then
// refused on both; concurrent reservations on two nodes never add up past the quota; a dead
// node's reservation stops counting when its lease ends; bytes one node frees are seen by
// the other; MakeRoom drops old versions; a quota changed in the database holds at once.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "cluster/accounts/pg_account_store.h"
#include "cluster/quota/pg_quota_ledger.h"
#include "cluster/storage/cluster_backend.h"
#include "cluster/storage/dir_chunk_store.h"
#include "server/quota/quota_space.h"
#include "tests/cluster/scratch_services.h"
#include "tests/e2e/temp_folder.h"

namespace netdisk::cluster {
namespace {

using server::quota::QuotaBackend;
using storage::StorageErrc;

constexpr std::size_t kChunk = 5;  // tiny chunks: small files span many objects
constexpr auto kLease = std::chrono::seconds(30);

// Refused for the quota (and not for anything else).
bool over_quota(const storage::StorageStatus& status) {
  return !status.ok() && status.error().code == StorageErrc::quota_exceeded;
}

std::span<const std::byte> bytes_of(std::string_view text) {
  return std::as_bytes(std::span(text.data(), text.size()));
}

class PgQuota : public cluster_test::WithSuitePostgres {
 protected:
  // One node: its backend wrapped in the QuotaBackend that its ledger keeps.
  struct Node {
    std::shared_ptr<PgQuotaLedger> ledger;
    std::unique_ptr<QuotaBackend> backend;
    std::shared_ptr<storage::UserSpace> space(const std::string& user) {
      auto opened = backend->open_space(user);
      EXPECT_TRUE(opened.ok()) << opened.error().message;
      return opened ? *opened : nullptr;
    }
  };

  void SetUp() override {
    postgres().psql(
        "DO $$ BEGIN IF to_regclass('netdisk.entries') IS NOT NULL THEN TRUNCATE "
        "netdisk.entries, netdisk.uploads, netdisk.versions, netdisk.trash, netdisk.chunks, "
        "netdisk.contents, netdisk.quota_reservations, netdisk.users; END IF; END $$");
    // The storage's tables, which the ledger reads, even in a test that opens no backend.
    ASSERT_TRUE(ClusterBackend::open(std::make_shared<pg::PgPool>(postgres().conninfo(), 1),
                                     chunks_, ClusterStoreOptions{})
                    .ok());
    auto accounts = PgAccountStore::open(std::make_shared<pg::PgPool>(postgres().conninfo(), 1));
    ASSERT_TRUE(accounts.ok()) << accounts.error().message;
    storage::UserRecord alice;
    alice.name = "alice";
    alice.password_hash = "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g";
    alice.registered_at =
        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    alice.quota = "100";
    ASSERT_TRUE((*accounts)->add(alice).ok());
  }

  Node node(const std::string& name, bool make_room = false) {
    ClusterStoreOptions store_options;
    store_options.node_name = name;
    store_options.chunk_bytes = kChunk;
    auto inner = ClusterBackend::open(std::make_shared<pg::PgPool>(postgres().conninfo(), 4),
                                      chunks_, store_options);
    EXPECT_TRUE(inner.ok()) << inner.error().message;
    Node out;
    auto* raw = inner->get();
    server::quota::QuotaLedger::MakeRoom room;
    if (make_room) {
      room = [raw](std::string_view user, std::uint64_t bytes) -> std::uint64_t {
        auto space = raw->open_space(user);
        auto freed = space ? (*space)->drop_oldest_versions(bytes)
                           : storage::StorageResult<storage::Freed>(space.error());
        return freed ? freed->bytes : 0;
      };
    }
    out.ledger = ledger(name, std::move(room));
    out.backend = std::make_unique<QuotaBackend>(std::move(*inner), out.ledger);
    return out;
  }

  std::shared_ptr<PgQuotaLedger> ledger(const std::string& name,
                                        server::quota::QuotaLedger::MakeRoom room = {}) {
    PgQuotaOptions options;
    options.node_name = name;
    options.lease = kLease;
    options.renew_thread = false;  // renew() by hand, with the hand-moved clock
    options.clock_ns = [now = now_] { return now->load(); };
    options.settle_lag = kChunk;
    options.settle_batch = 1;
    auto opened = PgQuotaLedger::open(std::make_shared<pg::PgPool>(postgres().conninfo(), 3),
                                      options, std::move(room));
    EXPECT_TRUE(opened.ok()) << opened.error().message;
    return opened ? *opened : nullptr;
  }

  // Uploads `content` to `path` through `space`: the begin's or the commit's status.
  static storage::StorageStatus upload(storage::UserSpace& space, const std::string& path,
                                       std::string_view content) {
    auto sink = space.begin_upload(path, content.size(), std::nullopt);
    if (!sink) return std::move(sink).error();
    if (auto wrote = (*sink)->write(bytes_of(content)); !wrote) return wrote;
    auto done = (*sink)->commit({});
    if (!done) return std::move(done).error();
    return {};
  }

  void advance(std::chrono::nanoseconds by) { *now_ += by.count(); }

  std::uint64_t seen_total(PgQuotaLedger& ledger) {
    EXPECT_TRUE(ledger.refresh("alice").ok());
    auto usage = ledger.usage("alice");
    return usage.used + usage.reserved;
  }

  e2e::TempFolder folder_;
  std::shared_ptr<DirChunkStore> chunks_ = std::make_shared<DirChunkStore>(folder_.path());
  std::shared_ptr<std::atomic<std::int64_t>> now_ =
      std::make_shared<std::atomic<std::int64_t>>(storage::to_ns(std::chrono::system_clock::now()));
};

TEST_F(PgQuota, UploadsAreAdmittedOnBothNodesUntilTheQuotaThenRefusedOnBoth) {
  auto a = node("a");
  auto b = node("b");
  auto space_a = a.space("alice");
  auto space_b = b.space("alice");
  ASSERT_TRUE(upload(*space_a, "one", std::string(40, 'a')).ok());
  ASSERT_TRUE(upload(*space_b, "two", std::string(40, 'b')).ok());
  for (auto* space : {space_a.get(), space_b.get()}) {
    auto refused = upload(*space, "three", std::string(30, 'c'));
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, StorageErrc::quota_exceeded);
  }
  // Nothing of the refused uploads is left: no session, no file.
  EXPECT_EQ(postgres().psql("SELECT count(*) FROM netdisk.uploads"), "0\n");
  EXPECT_FALSE(space_a->stat("three").ok());
  ASSERT_TRUE(upload(*space_b, "three", std::string(20, 'c')).ok());
  EXPECT_EQ(*space_a->stored_bytes(""), 100u);
  EXPECT_EQ(seen_total(*a.ledger), 100u);
  EXPECT_EQ(a.ledger->usage("alice").used, 100u);
  EXPECT_EQ(postgres().psql("SELECT count(*) FROM netdisk.quota_reservations"), "0\n");
}

TEST_F(PgQuota, ConcurrentReservationsOnTwoNodesNeverExceedTheQuotaTogether) {
  postgres().psql("UPDATE netdisk.users SET quota = '1000'");
  auto a = ledger("a");
  auto b = ledger("b");
  std::atomic<int> admitted{0};
  auto reserve_until_refused = [&admitted](PgQuotaLedger& ledger) {
    while (true) {
      auto reserved = ledger.reserve("alice", 7);
      if (!reserved) {
        EXPECT_EQ(reserved.error().code, StorageErrc::quota_exceeded);
        return;
      }
      ++admitted;
    }
  };
  std::thread on_a([&] { reserve_until_refused(*a); });
  std::thread on_b([&] { reserve_until_refused(*b); });
  on_a.join();
  on_b.join();
  // Each refusal saw less than 7 bytes left, and nothing was given back: exactly 1000 / 7.
  EXPECT_EQ(admitted.load(), 142);
  EXPECT_EQ(postgres().psql("SELECT sum(bytes) FROM netdisk.quota_reservations"), "994\n");
  EXPECT_EQ(seen_total(*b), 994u);
}

TEST_F(PgQuota, ADeadNodesReservationStopsCountingWhenItsLeaseEnds) {
  auto a = ledger("a");
  auto b = ledger("b");
  ASSERT_TRUE(a->reserve("alice", 90).ok());
  EXPECT_TRUE(over_quota(b->reserve("alice", 20)));
  // A live node renews its lease: still counted after the first lease would have ended.
  advance(kLease - std::chrono::seconds(1));
  ASSERT_TRUE(a->renew().ok());
  advance(std::chrono::seconds(2));
  EXPECT_TRUE(over_quota(b->reserve("alice", 20)));
  // Node a dies (it renews no more): once its lease passes, its 90 bytes count no more.
  advance(kLease);
  EXPECT_TRUE(b->reserve("alice", 20).ok());
  EXPECT_EQ(postgres().psql("SELECT holder LIKE 'b-%' FROM netdisk.quota_reservations"), "t\n");
}

TEST_F(PgQuota, BytesFreedOnOneNodeLowerTheFigureTheOtherSees) {
  auto a = node("a");
  auto b = node("b");
  auto space = a.space("alice");
  ASSERT_TRUE(upload(*space, "f", std::string(30, 'f')).ok());
  ASSERT_TRUE(upload(*space, "f", std::string(20, 'g')).ok());  // the 30 kept as a version
  EXPECT_EQ(seen_total(*b.ledger), 50u);
  auto dropped = space->drop_oldest_versions(1);
  ASSERT_TRUE(dropped.ok());
  EXPECT_EQ(seen_total(*b.ledger), 20u);
  ASSERT_TRUE(space->move_to_trash("f", {}).ok());
  EXPECT_EQ(seen_total(*b.ledger), 20u);  // the trash still holds it
  ASSERT_TRUE(space->delete_from_trash(std::nullopt).ok());
  EXPECT_EQ(seen_total(*b.ledger), 0u);
  ASSERT_TRUE(upload(*b.space("alice"), "g", std::string(100, 'g')).ok());
}

TEST_F(PgQuota, AnUploadInProgressCountsItsUnrecordedTailForTheOtherNode) {
  auto a = node("a");
  auto b = node("b");
  auto sink = a.space("alice")->begin_upload("big", 60, std::nullopt);
  ASSERT_TRUE(sink.ok());
  std::string content(60, 'x');
  for (std::size_t at = 0; at < content.size(); at += 13) {
    auto piece = std::string_view(content).substr(at, 13);
    ASSERT_TRUE((*sink)->write(bytes_of(piece)).ok());
    // Whatever the sink holds unrecorded, the other node sees all 60 bytes taken.
    EXPECT_GE(seen_total(*b.ledger), 60u) << "after " << at + piece.size() << " bytes";
    EXPECT_TRUE(over_quota(b.ledger->reserve("alice", 41)));
  }
  ASSERT_TRUE((*sink)->commit({}).ok());
  sink->reset();
  EXPECT_EQ(seen_total(*b.ledger), 60u);
  EXPECT_TRUE(b.ledger->reserve("alice", 40).ok());
}

TEST_F(PgQuota, MakeRoomDropsOldVersionsToAdmitAnUpload) {
  auto a = node("a", true);
  auto space = a.space("alice");
  ASSERT_TRUE(upload(*space, "f", std::string(40, 'a')).ok());
  ASSERT_TRUE(upload(*space, "f", std::string(40, 'b')).ok());  // 40 kept as a version
  ASSERT_TRUE(upload(*space, "g", std::string(20, 'c')).ok());  // 100: full
  ASSERT_TRUE(upload(*space, "h", std::string(30, 'd')).ok());  // the version made room
  EXPECT_TRUE(space->list_versions("f")->empty());
  EXPECT_EQ(*space->stored_bytes(""), 90u);
}

TEST_F(PgQuota, AQuotaChangedInTheDatabaseHoldsAtTheNextCheckOnEveryNode) {
  auto a = ledger("a");
  auto b = ledger("b");
  EXPECT_TRUE(over_quota(a->reserve("alice", 150)));
  postgres().psql("UPDATE netdisk.users SET quota = '200' WHERE name_key = 'alice'");
  EXPECT_TRUE(b->reserve("alice", 150).ok());
  postgres().psql("UPDATE netdisk.users SET quota = '' WHERE name_key = 'alice'");
  EXPECT_TRUE(a->reserve("alice", 1000000).ok());  // no quota, no default: anything fits
  EXPECT_FALSE(a->usage("alice").quota.has_value());
  // Admitted without a quota, those bytes are still held: a quota set now counts them.
  postgres().psql("UPDATE netdisk.users SET quota = '2000000' WHERE name_key = 'alice'");
  EXPECT_TRUE(over_quota(b->reserve("alice", 1000000)));
  EXPECT_TRUE(b->reserve("alice", 1000000 - 150).ok());
}

}  // namespace
}  // namespace netdisk::cluster
