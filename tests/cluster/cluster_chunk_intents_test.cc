// No chunk object is ever left that no row names (cluster/storage/cluster_chunk_intents.h):
// a node killed between writing an object and recording it leaves an intent that the
// collection turns into a removal after the grace; a failed write leaves nothing; and a
// collection that takes an intent first makes the late record fail instead of naming a
// removed object. A hand-moved clock; the kill is a forked child's _exit inside the write.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/cluster/cluster_store_fixture.h"
#include "tests/storage/user_space_test_util.h"

namespace netdisk::cluster_test {
namespace {

using namespace std::chrono_literals;
using storage::StorageErrc;
using storage::testing::bytes_of;
using storage::testing::put;
using storage::testing::read_file;
using storage::testing::xxh3_of;

// psql's answer to a count, without its line end.
std::string count_of(const std::string& table) {
  std::string out = store_postgres().psql("SELECT count(*) FROM netdisk." + table);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

std::string intents() { return count_of("chunk_intents"); }

TEST(ClusterChunkIntents, AFinishedUploadLeavesNoIntent) {
  ClusterStoreFixture fixture;
  auto a = fixture.node("a");
  ASSERT_TRUE(put(*space_of(*a, "alice"), "f", "twenty-two bytes long.").ok());
  EXPECT_EQ(intents(), "0");
  EXPECT_EQ(fixture.chunks().object_count("alice"), 5u);
}

TEST(ClusterChunkIntents, AnObjectOfANodeKilledBeforeItsRecordIsCollectedAfterTheGrace) {
  ClusterStoreFixture fixture;
  std::string content = "0123456789abcdefghij";
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    int puts = 0;  // dies inside the third put: two chunks recorded, the third only written
    fixture.chunks().after_put([&puts](std::string_view, std::string_view) {
      if (++puts == 3) ::_exit(0);
    });
    auto node = fixture.node("a");
    auto sink = space_of(*node, "alice")->begin_upload("big", content.size(), xxh3_of(content));
    if (sink) (void)(*sink)->write(bytes_of(content));
    ::_exit(1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the child died inside a put";
  EXPECT_EQ(fixture.chunks().object_count("alice"), 3u);
  EXPECT_EQ(intents(), "1");

  auto b = fixture.node("b");
  ASSERT_TRUE(b->collect_chunks().ok());
  EXPECT_EQ(fixture.chunks().object_count("alice"), 3u) << "within the grace nothing goes";
  fixture.clock().advance(1h + 1s);
  ASSERT_TRUE(b->collect_chunks().ok());
  EXPECT_EQ(fixture.chunks().object_count("alice"), 2u) << "the unrecorded object went";
  EXPECT_EQ(intents(), "0");

  auto sink = space_of(*b, "alice")->begin_upload("big", content.size(), xxh3_of(content));
  ASSERT_TRUE(sink.ok()) << sink.error().message;
  ASSERT_EQ((*sink)->offset(), 10u) << "the recorded chunks are intact";
  ASSERT_TRUE((*sink)->write(bytes_of(std::string_view(content).substr(10))).ok());
  ASSERT_TRUE((*sink)->commit().ok());
  EXPECT_EQ(read_file(*space_of(*b, "alice"), "big"), content);
}

TEST(ClusterChunkIntents, AFailedWriteLeavesNeitherObjectNorIntent) {
  ClusterStoreFixture fixture;
  auto a = fixture.node("a");
  fixture.chunks().fail_puts(1);
  auto written = put(*space_of(*a, "alice"), "f", "0123456789");
  EXPECT_FALSE(written.ok());
  EXPECT_EQ(intents(), "0");
  EXPECT_EQ(fixture.chunks().object_count("alice"), 0u);
}

TEST(ClusterChunkIntents, ACollectionThatTakesTheIntentFirstMakesTheLateRecordFail) {
  ClusterStoreFixture fixture;
  auto a = fixture.node("a");
  auto b = fixture.node("b");
  bool collected = false;
  // A write that took longer than the grace: the collection runs between the put and the
  // record, removes the object and takes its intent.
  fixture.chunks().after_put([&](std::string_view, std::string_view) {
    if (collected) return;
    collected = true;
    fixture.clock().advance(1h + 1s);
    auto swept = b->collect_chunks();
    ASSERT_TRUE(swept.ok()) << swept.error().message;
  });
  std::string content = "0123456789";
  auto sink = space_of(*a, "alice")->begin_upload("f", content.size(), xxh3_of(content));
  ASSERT_TRUE(sink.ok());
  auto wrote = (*sink)->write(bytes_of(content));
  ASSERT_TRUE(collected);
  ASSERT_FALSE(wrote.ok()) << "the record of a collected object must fail";
  EXPECT_EQ(wrote.error().code, StorageErrc::busy);
  EXPECT_EQ(count_of("chunks"), "0") << "no row names the removed object";
  EXPECT_EQ(fixture.chunks().object_count("alice"), 0u);
}

}  // namespace
}  // namespace netdisk::cluster_test
