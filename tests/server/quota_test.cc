// Unit tests of quotas (server/quota/): the QuotaLedger's arithmetic and its race-free
// reservations, and the QuotaBackend decorator over the in-memory and the local backends:
// the count at first use (partial uploads included), an unsized upload stopped at the quota
// with its partial removed and the total back, what remove, copy, discard and the partial
// sweep do to the total, and the make-room hook.
#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "server/quota/local_quota_ledger.h"
#include "server/quota/quota_space.h"
#include "storage/local_space.h"
#include "storage/memory_space.h"

namespace netdisk::server::quota {
namespace {

using storage::StorageErrc;
namespace fs = std::filesystem;

std::span<const std::byte> bytes_of(const std::string& text) {
  return std::as_bytes(std::span(text.data(), text.size()));
}

QuotaLedger::QuotaOf fixed(std::optional<std::uint64_t> quota) {
  return [quota](std::string_view) { return quota; };
}

TEST(QuotaLedger, ReservesUpToTheQuotaAndRefusesTheByteBeyond) {
  LocalQuotaLedger ledger(fixed(100));
  ASSERT_TRUE(ledger.reconcile_once("u", [] { return storage::StorageResult<std::uint64_t>(30); }));
  EXPECT_TRUE(ledger.reserve("u", 70));
  auto over = ledger.reserve("u", 1);
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code, StorageErrc::quota_exceeded);
  ledger.settle("u", 50);
  ledger.unreserve("u", 20);
  auto usage = ledger.usage("u");
  EXPECT_EQ(usage.used, 80u);
  EXPECT_EQ(usage.reserved, 0u);
  EXPECT_EQ(usage.free(), 20u);
  ledger.release("u", 1000);  // never below zero
  EXPECT_EQ(ledger.usage("u").used, 0u);
}

TEST(QuotaLedger, WithoutAQuotaEverythingIsAdmittedAndFreeIsUnknown) {
  LocalQuotaLedger ledger(fixed(std::nullopt));
  EXPECT_TRUE(ledger.reserve("u", std::uint64_t{1} << 62));
  EXPECT_FALSE(ledger.usage("u").free().has_value());
}

TEST(QuotaLedger, ConcurrentReservationsNeverTogetherPassTheQuota) {
  LocalQuotaLedger ledger(fixed(1000));
  std::atomic<std::uint64_t> admitted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        if (ledger.reserve("u", 7)) admitted += 7;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_LE(admitted.load(), 1000u);
  EXPECT_GT(admitted.load(), 1000u - 7);
  EXPECT_EQ(ledger.usage("u").reserved, admitted.load());
}

TEST(QuotaLedger, MakeRoomIsAskedForTheShortfallAndWhatItFreesAdmits) {
  std::uint64_t asked = 0;
  LocalQuotaLedger ledger(fixed(100), [&asked](std::string_view, std::uint64_t bytes) {
    asked = bytes;
    return std::uint64_t{40};
  });
  ledger.charge("u", 90);
  EXPECT_TRUE(ledger.reserve("u", 30));
  EXPECT_EQ(asked, 20u);
  EXPECT_EQ(ledger.usage("u").used, 50u);
}

class QuotaOverMemory : public ::testing::Test {
 protected:
  void SetUp() override {
    auto memory = std::make_unique<storage::MemoryBackend>();
    memory->create_space("alice");
    memory_ = memory.get();
    auto raw = memory_->open_space("alice");
    ASSERT_TRUE(raw);
    raw_ = *raw;
    backend_ = std::make_unique<QuotaBackend>(std::move(memory), ledger_);
  }
  std::shared_ptr<storage::UserSpace> space() {
    auto space = backend_->open_space("alice");
    EXPECT_TRUE(space);
    return *space;
  }
  void put(storage::UserSpace& space, const std::string& path, const std::string& data) {
    auto sink = space.begin_upload(path, data.size(), std::nullopt);
    ASSERT_TRUE(sink);
    ASSERT_TRUE((*sink)->write(bytes_of(data)));
    ASSERT_TRUE((*sink)->commit({}));
  }
  std::uint64_t used() { return ledger_->usage("alice").used; }
  std::size_t memory_partials() {
    return static_cast<storage::MemorySpace&>(*raw_).partial_count();
  }

  std::shared_ptr<QuotaLedger> ledger_ = std::make_shared<LocalQuotaLedger>(fixed(1000));
  storage::MemoryBackend* memory_ = nullptr;
  std::shared_ptr<storage::UserSpace> raw_;
  std::unique_ptr<QuotaBackend> backend_;
};

TEST_F(QuotaOverMemory, TheFirstOpenCountsFilesAndPartialUploads) {
  auto file = raw_->begin_upload("f", 300, std::nullopt);
  ASSERT_TRUE((*file)->write(bytes_of(std::string(300, 'f'))));
  ASSERT_TRUE((*file)->commit({}));
  auto partial = raw_->begin_upload("p", 500, std::string(32, 'a'));  // resumable, kept
  ASSERT_TRUE((*partial)->write(bytes_of(std::string(120, 'p'))));
  partial->reset();
  space();
  EXPECT_EQ(used(), 420u);
  EXPECT_TRUE(ledger_->usage("alice").counted);
}

TEST_F(QuotaOverMemory, AnUnsizedUploadIsStoppedAtTheQuotaAndItsPartialRemoved) {
  auto quota_space = space();
  put(*quota_space, "old", std::string(400, 'o'));
  auto sink = quota_space->begin_unsized_upload("old", storage::kMaxUploadBytes);
  ASSERT_TRUE(sink);
  ASSERT_TRUE((*sink)->write(bytes_of(std::string(500, 'n'))));
  EXPECT_EQ(used(), 900u);
  auto refused = (*sink)->write(bytes_of(std::string(101, 'n')));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, StorageErrc::quota_exceeded);
  EXPECT_EQ(memory_partials(), 0u);
  EXPECT_EQ(used(), 400u);
  EXPECT_EQ(ledger_->usage("alice").reserved, 0u);
  auto old = raw_->stat("old");
  ASSERT_TRUE(old);
  EXPECT_EQ(old->size, 400u);
}

TEST_F(QuotaOverMemory, ReplaceRemoveDiscardAndCopyKeepTheTotalTrue) {
  backend_->set_retention(storage::Retention{.versions_kept = 0});  // a replace frees the old
  auto quota_space = space();
  put(*quota_space, "a", std::string(300, 'a'));
  put(*quota_space, "a", std::string(100, 'b'));  // replaces: the old 300 go
  EXPECT_EQ(used(), 100u);
  auto sink = quota_space->begin_upload("b", 200, std::nullopt);
  ASSERT_TRUE((*sink)->write(bytes_of(std::string(50, 'x'))));
  EXPECT_EQ(ledger_->usage("alice").reserved, 150u);
  (*sink)->discard();
  EXPECT_EQ(used(), 100u);
  EXPECT_EQ(ledger_->usage("alice").reserved, 0u);
  ASSERT_TRUE(quota_space->copy("a", "c", storage::UserSpace::Replace::no));
  EXPECT_EQ(used(), 200u);
  put(*quota_space, "big", std::string(700, 'g'));
  auto copy = quota_space->copy("big", "big2", storage::UserSpace::Replace::no);
  ASSERT_FALSE(copy);
  EXPECT_EQ(copy.error().code, StorageErrc::quota_exceeded);
  EXPECT_FALSE(raw_->stat("big2"));
  ASSERT_TRUE(quota_space->remove("big", {}));
  EXPECT_EQ(used(), 200u);
  ASSERT_TRUE(quota_space->make_directory("d", false));
  put(*quota_space, "d/x", std::string(80, 'x'));
  ASSERT_TRUE(quota_space->remove_tree("d"));
  EXPECT_EQ(used(), 200u);
}

// Versions and the trash hold bytes until they are deleted for good; the backend reports each
// such deletion and the ledger gives it back, down to the bytes of the current files.
TEST_F(QuotaOverMemory, VersionsAndTheTrashCountUntilDeletedForGood) {
  auto quota_space = space();
  put(*quota_space, "a", std::string(300, 'a'));
  put(*quota_space, "a", std::string(100, 'b'));  // the 300 stay, as a version
  EXPECT_EQ(used(), 400u);
  ASSERT_TRUE(quota_space->move_to_trash("a", {}));  // a move: nothing freed
  EXPECT_EQ(used(), 400u);
  auto emptied = quota_space->delete_from_trash(std::nullopt);
  ASSERT_TRUE(emptied);
  EXPECT_EQ(emptied->bytes, 100u);
  EXPECT_EQ(used(), 300u);
  auto dropped = quota_space->drop_oldest_versions(1);
  ASSERT_TRUE(dropped);
  EXPECT_EQ(dropped->bytes, 300u);
  EXPECT_EQ(used(), 0u);
  auto fresh = raw_->stored_bytes("");
  ASSERT_TRUE(fresh);
  EXPECT_EQ(*fresh, used());
}

// Over the quota, an upload may drop the oldest versions to make room only when the
// administrator allows it (the ledger's MakeRoom, which the server sets from
// --quota-drops-versions to QuotaBackend::drop_oldest_versions).
TEST_F(QuotaOverMemory, OldVersionsMakeRoomOnlyWhenAllowed) {
  auto quota_space = space();
  put(*quota_space, "a", std::string(600, 'a'));
  put(*quota_space, "a", std::string(300, 'b'));  // 900 used: 600 of them a version
  auto refused = quota_space->begin_upload("c", 200, std::nullopt);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, StorageErrc::quota_exceeded);

  auto memory = std::make_unique<storage::MemoryBackend>();
  memory->create_space("alice");
  auto* raw_backend = memory.get();
  QuotaBackend* self = nullptr;
  auto ledger = std::make_shared<LocalQuotaLedger>(
      fixed(1000), [&self](std::string_view user, std::uint64_t bytes) {
        return self->drop_oldest_versions(user, bytes);
      });
  QuotaBackend backend(std::move(memory), ledger);
  self = &backend;
  auto opened = backend.open_space("alice");
  ASSERT_TRUE(opened);
  put(**opened, "a", std::string(600, 'a'));
  put(**opened, "a", std::string(300, 'b'));
  auto admitted = (*opened)->begin_upload("c", 200, std::nullopt);
  ASSERT_TRUE(admitted);
  EXPECT_EQ(ledger->usage("alice").used, 300u);  // the 600-byte version went
  EXPECT_TRUE((*(raw_backend->open_space("alice")))->list_versions("a")->empty());
}

TEST_F(QuotaOverMemory, TheSweepOfIdlePartialsReleasesTheirBytes) {
  auto quota_space = space();
  auto sink = quota_space->begin_upload("p", 500, std::string(32, 'b'));
  ASSERT_TRUE((*sink)->write(bytes_of(std::string(200, 'p'))));
  sink->reset();  // resumable: the partial stays, counted
  EXPECT_EQ(used(), 200u);
  std::uint64_t reported = 0;
  auto swept = backend_->sweep_partial_uploads(
      std::chrono::seconds(0), [&](std::string_view, std::uint64_t bytes) { reported += bytes; });
  ASSERT_TRUE(swept);
  EXPECT_EQ(*swept, 1u);
  EXPECT_EQ(reported, 200u);
  EXPECT_EQ(used(), 0u);
}

TEST(QuotaOverLocal, StoredBytesCountsFilesAndReservedEntriesAndTheSweepReportsPerUser) {
  fs::path home = fs::temp_directory_path() / ("netdisk-quota-" + std::to_string(::getpid()));
  fs::remove_all(home);
  fs::create_directories(home / "alice");
  storage::LocalBackend local(home);
  auto space = local.open_space("alice");
  ASSERT_TRUE(space);
  ASSERT_TRUE((*space)->make_directory("docs", false));
  auto file = (*space)->begin_upload("docs/f", 1000, std::nullopt);
  ASSERT_TRUE((*file)->write(bytes_of(std::string(1000, 'f'))));
  ASSERT_TRUE((*file)->commit({}));
  auto partial = (*space)->begin_upload("docs/p", 5000, std::string(32, 'c'));
  ASSERT_TRUE((*partial)->write(bytes_of(std::string(700, 'p'))));
  partial->reset();
  EXPECT_EQ(*(*space)->stored_bytes(""), 1700u);
  EXPECT_EQ(*(*space)->stored_bytes("docs/f"), 1000u);
  EXPECT_EQ((*space)->stored_bytes("nothing").error().code, StorageErrc::not_found);
  std::map<std::string, std::uint64_t> freed;
  auto swept = local.sweep_partial_uploads(
      std::chrono::seconds(-1),
      [&](std::string_view user, std::uint64_t bytes) { freed[std::string(user)] += bytes; });
  ASSERT_TRUE(swept);
  EXPECT_EQ(*swept, 1u);
  EXPECT_EQ(freed["alice"], 700u);
  EXPECT_EQ(*(*space)->stored_bytes(""), 1000u);
  fs::remove_all(home);
}

}  // namespace
}  // namespace netdisk::server::quota
