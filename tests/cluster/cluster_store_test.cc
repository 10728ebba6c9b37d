// The cluster storage backend's own promises (cluster/storage/cluster_backend.h), beyond the
// conformance suites: several backends standing for nodes share one PostgreSQL and one chunk
// store; an upload begun on a node that dies is resumed on another; two nodes replacing one
// file at once leave one complete version; an open reader keeps its version; orphaned chunks
// are collected only after the grace period (a hand-moved clock, no sleeping).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <barrier>
#include <thread>

#include "storage/target_check.h"
#include "tests/cluster/cluster_store_fixture.h"
#include "tests/storage/user_space_test_util.h"

namespace netdisk::cluster_test {
namespace {

using storage::StorageErrc;
using storage::testing::bytes_of;
using storage::testing::put;
using storage::testing::read_all;
using storage::testing::read_file;
using storage::testing::xxh3_of;

// In a child process that dies without running a destructor (as under SIGKILL): node "a"
// begins a resumable upload of `content` and writes its first `written` bytes.
void upload_then_die(ClusterStoreFixture& fixture, const std::string& content,
                     std::size_t written) {
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto node = fixture.node("a");
    auto space = space_of(*node, "alice");
    auto sink = space->begin_upload("big", content.size(), xxh3_of(content));
    bool ok = sink && (*sink)->write(bytes_of(std::string_view(content).substr(0, written))).ok();
    ::_exit(ok ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

TEST(ClusterStore, AnUploadBegunOnANodeThatDiedIsResumedOnAnotherFromItsRecordedChunks) {
  ClusterStoreFixture fixture;
  std::string content = "0123456789abcdefghijklmnopqrstuvwxyz";  // 36 bytes: 7 chunks of 5 and 1
  upload_then_die(fixture, content, 23);  // 4 whole chunks recorded, 3 bytes lost with the node
  auto b = fixture.node("b");
  auto space = space_of(*b, "alice");
  auto early = space->begin_upload("big", content.size(), xxh3_of(content));
  ASSERT_FALSE(early.ok()) << "the dead node's hold lasts until its lease ends";
  EXPECT_EQ(early.error().code, StorageErrc::busy);
  fixture.clock().advance(std::chrono::seconds(6));
  auto sink = space->begin_upload("big", content.size(), xxh3_of(content));
  ASSERT_TRUE(sink.ok()) << sink.error().message;
  ASSERT_EQ((*sink)->offset(), 20u) << "only the bytes of recorded chunks count";
  ASSERT_TRUE((*sink)->write(bytes_of(std::string_view(content).substr(20))).ok());
  auto published = (*sink)->commit();
  ASSERT_TRUE(published.ok()) << published.error().message;
  EXPECT_EQ(published->checksum, xxh3_of(content));
  EXPECT_EQ(read_file(*space_of(*fixture.node("c"), "alice"), "big"), content);
}

TEST(ClusterStore, ASinkThatLostItsHoldToAnotherNodeCannotRecordNorPublish) {
  ClusterStoreFixture fixture;
  auto a = fixture.node("a");
  auto b = fixture.node("b");
  std::string content = "abcdefghijklmno";
  auto first = space_of(*a, "alice")->begin_upload("f", content.size(), xxh3_of(content));
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE((*first)->write(bytes_of("abcde")).ok());
  fixture.clock().advance(std::chrono::seconds(6));  // node a looks dead: its lease ran out
  auto second = space_of(*b, "alice")->begin_upload("f", content.size(), xxh3_of(content));
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ((*second)->offset(), 5u);
  auto stale = (*first)->write(bytes_of("XXXXX"));
  ASSERT_FALSE(stale.ok()) << "a chunk from the old holder must not be recorded";
  EXPECT_EQ(stale.error().code, StorageErrc::busy);
  ASSERT_TRUE((*second)->write(bytes_of("fghijklmno")).ok());
  ASSERT_TRUE((*second)->commit().ok());
  EXPECT_EQ(read_file(*space_of(*a, "alice"), "f"), content);
}

// Two nodes commit the same name at the same moment, many times: the name always holds one of
// the two contents whole, and the other is the version it replaced.
TEST(ClusterStore, TwoNodesReplacingOneFileAtOnceLeaveOneCompleteVersion) {
  ClusterStoreFixture fixture;
  auto a = fixture.node("a");
  auto b = fixture.node("b");
  auto space_a = space_of(*a, "alice");
  auto space_b = space_of(*b, "alice");
  ASSERT_TRUE(put(*space_a, "same", "original-content").ok());
  for (int round = 0; round < 15; ++round) {
    std::string from_a = "A-content-" + std::to_string(round) + "-aaaaaaaaaaaa";
    std::string from_b = "B-content-" + std::to_string(round) + "-bbbbbbbbbbbbbbbbbbbb";
    auto sink_a = space_a->begin_upload("same", from_a.size(), std::nullopt);
    auto sink_b = space_b->begin_upload("same", from_b.size(), std::nullopt);
    ASSERT_TRUE(sink_a.ok() && sink_b.ok());
    ASSERT_TRUE((*sink_a)->write(bytes_of(from_a)).ok());
    ASSERT_TRUE((*sink_b)->write(bytes_of(from_b)).ok());
    std::barrier start(2);
    storage::StorageResult<storage::Published> done_a, done_b;
    std::thread ta([&] {
      start.arrive_and_wait();
      done_a = (*sink_a)->commit();
    });
    std::thread tb([&] {
      start.arrive_and_wait();
      done_b = (*sink_b)->commit();
    });
    ta.join();
    tb.join();
    ASSERT_TRUE(done_a.ok() && done_b.ok()) << "last writer wins cleanly";
    auto now = read_file(*space_a, "same");
    ASSERT_TRUE(now == from_a || now == from_b) << "a mix: " << now.value_or("(none)");
    auto stat = space_b->stat("same");
    ASSERT_TRUE(stat.ok());
    EXPECT_TRUE(stat->version == done_a->version || stat->version == done_b->version);
  }
}

TEST(ClusterStore, TwoConditionalReplacesOfOneVersionLetExactlyOneThrough) {
  ClusterStoreFixture fixture;
  auto a = fixture.node("a");
  auto b = fixture.node("b");
  auto space_a = space_of(*a, "alice");
  auto space_b = space_of(*b, "alice");
  auto base = put(*space_a, "doc", "version one");
  ASSERT_TRUE(base.ok());
  auto sink_a = space_a->begin_upload("doc", 5, std::nullopt);
  auto sink_b = space_b->begin_upload("doc", 5, std::nullopt);
  ASSERT_TRUE((*sink_a)->write(bytes_of("AAAAA")).ok());
  ASSERT_TRUE((*sink_b)->write(bytes_of("BBBBB")).ok());
  std::barrier start(2);
  storage::StorageResult<storage::Published> done_a, done_b;
  std::thread ta([&] {
    start.arrive_and_wait();
    done_a = (*sink_a)->commit(storage::require_version(base->version));
  });
  std::thread tb([&] {
    start.arrive_and_wait();
    done_b = (*sink_b)->commit(storage::require_version(base->version));
  });
  ta.join();
  tb.join();
  ASSERT_NE(done_a.ok(), done_b.ok()) << "one wins, the other sees the version moved";
  const auto& lost = done_a.ok() ? done_b : done_a;
  EXPECT_EQ(lost.error().code, StorageErrc::condition_failed);
  EXPECT_EQ(read_file(*space_b, "doc"), done_a.ok() ? "AAAAA" : "BBBBB");
}

TEST(ClusterStore, AnOpenReaderKeepsItsVersionUntilTheGracePeriodEnds) {
  ClusterStoreFixture fixture;
  auto a = fixture.node("a");
  auto space = space_of(*a, "alice");
  ASSERT_TRUE(put(*space, "f", "the old content, several chunks long").ok());
  auto reader = space->open_read("f");
  ASSERT_TRUE(reader.ok());
  auto unread = space->open_read("f");  // opened before the replace, read only after the grace
  ASSERT_TRUE(unread.ok());
  ASSERT_TRUE(put(*space, "f", "new").ok());  // versions kept: the old content stays referenced
  ASSERT_TRUE(space->delete_from_trash(std::nullopt).ok());
  ASSERT_TRUE(space->prune_versions(0, std::chrono::system_clock::time_point{}).ok());
  std::size_t before = fixture.chunks().object_count("alice");
  auto early = a->collect_chunks();
  ASSERT_TRUE(early.ok()) << early.error().message;
  EXPECT_EQ(*early, 0u) << "within the grace period nothing is collected";
  EXPECT_EQ(read_all(**reader), "the old content, several chunks long");
  fixture.clock().advance(std::chrono::hours(1) + std::chrono::seconds(1));
  auto late = a->collect_chunks();
  ASSERT_TRUE(late.ok());
  EXPECT_EQ(*late, 1u);
  EXPECT_EQ(fixture.chunks().object_count("alice"), before - 8) << "36 bytes were 8 chunks";
  EXPECT_EQ(read_file(*space, "f"), "new") << "the current content is untouched";
  std::array<std::byte, 4> buffer{};
  auto gone = (*unread)->read_at(0, buffer);
  ASSERT_FALSE(gone.ok()) << "past the grace a reader that kept the old version fails cleanly";
  EXPECT_EQ(gone.error().code, StorageErrc::io_error);
}

TEST(ClusterStore, ACopySharesTheChunksAndOutlivesItsSource) {
  ClusterStoreFixture fixture;
  auto a = fixture.node("a");
  auto space = space_of(*a, "alice");
  ASSERT_TRUE(put(*space, "src", "shared bytes here").ok());
  std::size_t objects = fixture.chunks().object_count("alice");
  ASSERT_TRUE(space->copy("src", "dst", storage::UserSpace::Replace::no).ok());
  EXPECT_EQ(fixture.chunks().object_count("alice"), objects) << "no byte moved";
  ASSERT_TRUE(space->remove("src").ok());
  fixture.clock().advance(std::chrono::hours(2));
  ASSERT_TRUE(a->collect_chunks().ok());
  EXPECT_EQ(read_file(*space, "dst"), "shared bytes here");
}

TEST(ClusterStore, UsersSeeOnlyTheirOwnRowsAndObjects) {
  ClusterStoreFixture fixture;
  auto a = fixture.node("a");
  ASSERT_TRUE(put(*space_of(*a, "alice"), "secret", "alice's").ok());
  auto bob = space_of(*a, "bob");
  EXPECT_TRUE(bob->list("", "", 100)->empty());
  EXPECT_EQ(bob->open_read("secret").error().code, StorageErrc::not_found);
  EXPECT_EQ(*bob->stored_bytes(""), 0u);
  EXPECT_EQ(fixture.chunks().object_count("bob"), 0u);
  EXPECT_GT(fixture.chunks().object_count("alice"), 0u);
  EXPECT_EQ(a->open_space("../alice").error().code, StorageErrc::bad_name);
}

TEST(ClusterStore, AFailedChunkWriteEndsTheUploadAndLeavesTheOldFile) {
  ClusterStoreFixture fixture;
  auto a = fixture.node("a");
  auto space = space_of(*a, "alice");
  ASSERT_TRUE(put(*space, "f", "old").ok());
  auto sink = space->begin_upload("f", 12, xxh3_of("new content!"));
  ASSERT_TRUE(sink.ok());
  fixture.chunks().fail_puts(1);
  auto failed = (*sink)->write(bytes_of("new content!"));
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, StorageErrc::no_space);
  EXPECT_EQ(read_file(*space, "f"), "old");
  auto again = space->begin_upload("f", 12, xxh3_of("new content!"));
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ((*again)->offset(), 0u) << "a failed write removes the partial";
}

TEST(ClusterStore, IdleSessionsAreSweptAndTheirChunksCollected) {
  ClusterStoreFixture fixture;
  auto a = fixture.node("a");
  auto space = space_of(*a, "alice");
  auto sink = space->begin_upload("p", 100, xxh3_of("whatever"));
  ASSERT_TRUE(sink.ok());
  ASSERT_TRUE((*sink)->write(bytes_of("0123456789")).ok());
  sink->reset();  // resumable: kept, hold released
  EXPECT_GT(fixture.chunks().object_count("alice"), 0u);
  std::string swept_user;
  std::uint64_t swept_bytes = 0;
  auto fresh = a->sweep_partial_uploads(std::chrono::hours(1), {});
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(*fresh, 0u) << "not idle long enough";
  fixture.clock().advance(std::chrono::hours(3));
  auto swept = a->sweep_partial_uploads(std::chrono::hours(1),
                                        [&](std::string_view user, std::uint64_t bytes) {
                                          swept_user = user;
                                          swept_bytes = bytes;
                                        });
  ASSERT_TRUE(swept.ok()) << swept.error().message;
  EXPECT_EQ(*swept, 1u);
  EXPECT_EQ(swept_user, "alice");
  EXPECT_EQ(swept_bytes, 10u);
  fixture.clock().advance(std::chrono::hours(2));
  ASSERT_TRUE(a->collect_chunks().ok());
  EXPECT_EQ(fixture.chunks().object_count("alice"), 0u);
}

TEST(ClusterStore, ADatabaseFailureIsIoErrorThatNamesNoServerPath) {
  e2e::TempFolder folder;
  std::string socket_folder = (folder.path() / "no-server-here").string();
  cluster::StoreDb db(std::make_shared<cluster::pg::PgPool>(
      "host=" + socket_folder + " dbname=netdisk user=netdisk connect_timeout=5", 1));
  auto read = db.exec("SELECT 1");
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code, StorageErrc::io_error);
  EXPECT_EQ(read.error().message.find(socket_folder), std::string::npos) << read.error().message;
  auto locked = db.locked("alice", [](cluster::StoreTx&) -> storage::StorageStatus { return {}; });
  ASSERT_FALSE(locked.ok());
  EXPECT_EQ(locked.error().message.find(socket_folder), std::string::npos);
  ClusterStoreFixture fixture;  // the tables exist
  (void)fixture.node("a");
  auto syntax =
      cluster::StoreDb(std::make_shared<cluster::pg::PgPool>(store_postgres().conninfo(), 1))
          .exec("SELECT * FROM netdisk.no_such_table");  // 42P01: undefined table
  ASSERT_FALSE(syntax.ok());
  EXPECT_NE(syntax.error().message.find("42P01"), std::string::npos) << "the SQLSTATE is kept";
}

}  // namespace
}  // namespace netdisk::cluster_test
