// Deleted users in cluster mode (cluster/storage/cluster_deleted_users.h): `admin user delete`
// sets the user's files aside so that a new account of the same name, on any node, starts
// empty; `--purge` and the retention sweep delete them for good, and their chunk objects go
// with the backend's next collection after the grace. A hand-moved clock, no sleeping.
#include <gtest/gtest.h>

#include "cluster/storage/cluster_deleted_users.h"
#include "tests/cluster/cluster_store_fixture.h"
#include "tests/storage/user_space_test_util.h"

namespace netdisk::cluster_test {
namespace {

using namespace std::chrono_literals;
using storage::testing::bytes_of;
using storage::testing::put;
using storage::testing::read_file;
using storage::testing::xxh3_of;

cluster::ClusterDeletedUsers deleted_users(ClusterStoreFixture& fixture) {
  return cluster::ClusterDeletedUsers(
      std::make_shared<cluster::pg::PgPool>(store_postgres().conninfo(), 1), fixture.clock().fn());
}

// A wall time as the fixture's clock reads it.
storage::DeletedUsers::WallTime wall_of(ClusterStoreFixture& fixture) {
  return storage::DeletedUsers::WallTime(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::nanoseconds(fixture.clock().fn()())));
}

// alice with a file, a folder, a kept version, a trashed file and an upload in progress.
void fill_alice(storage::UserSpace& space) {
  ASSERT_TRUE(put(space, "notes.txt", "first words").ok());
  ASSERT_TRUE(put(space, "notes.txt", "second words").ok());  // the first kept as a version
  ASSERT_TRUE(space.make_directory("photos", false).ok());
  ASSERT_TRUE(put(space, "photos/cat.jpg", "meow meow meow").ok());
  ASSERT_TRUE(put(space, "old.txt", "bin me").ok());
  ASSERT_TRUE(space.move_to_trash("old.txt").ok());
}

TEST(ClusterDeletedUsers, ANewAccountOfTheSameNameOnAnotherNodeInheritsNothing) {
  ClusterStoreFixture fixture;
  auto a = fixture.node("a");
  fill_alice(*space_of(*a, "alice"));
  ASSERT_TRUE(put(*space_of(*a, "bob"), "b.txt", "bob's").ok());
  auto users = deleted_users(fixture);
  auto kept = users.set_aside("alice", wall_of(fixture));
  ASSERT_TRUE(kept.ok()) << kept.error().message;
  ASSERT_TRUE(kept->has_value());
  EXPECT_EQ(kept->value().size(), 16u + 1u + 5u) << kept->value();  // 20261203T110000Z-alice

  auto fresh = space_of(*fixture.node("b"), "alice");
  auto listed = fresh->list("", "", 100);
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty()) << "the new alice sees none of the old one's files";
  EXPECT_TRUE(fresh->list_trash()->empty());
  EXPECT_TRUE(fresh->list_versions("notes.txt")->empty());
  EXPECT_EQ(read_file(*space_of(*a, "bob"), "b.txt"), "bob's") << "other users untouched";
}

TEST(ClusterDeletedUsers, AnUploadInProgressEndsWhenItsUserIsSetAside) {
  ClusterStoreFixture fixture;
  auto a = fixture.node("a");
  auto space = space_of(*a, "alice");
  std::string content = "0123456789abcdef";
  auto sink = space->begin_upload("big", content.size(), xxh3_of(content));
  ASSERT_TRUE(sink.ok());
  ASSERT_TRUE((*sink)->write(bytes_of(content.substr(0, 10))).ok());
  auto users = deleted_users(fixture);
  ASSERT_TRUE(users.set_aside("alice", wall_of(fixture)).ok());
  auto rest = (*sink)->write(bytes_of(content.substr(10)));
  auto published = rest.ok() ? (*sink)->commit()
                             : storage::StorageResult<storage::Published>(std::move(rest).error());
  EXPECT_FALSE(published.ok()) << "the deleted user's upload cannot land in the new space";
  EXPECT_FALSE(space_of(*fixture.node("b"), "alice")->stat("big").ok());
}

TEST(ClusterDeletedUsers, AUserWithNoFilesHasNothingSetAside) {
  ClusterStoreFixture fixture;
  auto a = fixture.node("a");
  auto users = deleted_users(fixture);
  auto kept = users.set_aside("nobody", wall_of(fixture));
  ASSERT_TRUE(kept.ok());
  EXPECT_FALSE(kept->has_value());
}

TEST(ClusterDeletedUsers, PurgeRemovesTheRowsAndTheCollectionTheChunksAfterTheGrace) {
  ClusterStoreFixture fixture;
  auto a = fixture.node("a");
  fill_alice(*space_of(*a, "alice"));
  auto users = deleted_users(fixture);
  auto kept = users.set_aside("alice", wall_of(fixture));
  ASSERT_TRUE(kept.ok() && kept->has_value());
  ASSERT_TRUE(put(*space_of(*a, "alice"), "new.txt", "the new alice").ok());
  std::size_t before = fixture.chunks().object_count("alice");
  ASSERT_GT(before, 0u);
  ASSERT_TRUE(users.remove(**kept).ok());
  EXPECT_FALSE(users.remove(**kept).ok()) << "a second purge names nothing";
  fixture.clock().advance(1h + 1s);
  ASSERT_TRUE(a->collect_chunks().ok());
  // "the new alice" is 13 bytes: 3 chunks of 5 bytes or fewer stay, every old one went.
  EXPECT_EQ(fixture.chunks().object_count("alice"), 3u);
  EXPECT_EQ(read_file(*space_of(*a, "alice"), "new.txt"), "the new alice");
}

TEST(ClusterDeletedUsers, TheSweepRemovesOnlyWhatIsPastTheRetention) {
  ClusterStoreFixture fixture;
  auto a = fixture.node("a");
  auto users = deleted_users(fixture);
  ASSERT_TRUE(put(*space_of(*a, "alice"), "a", "alice's").ok());
  auto first = users.set_aside("alice", wall_of(fixture));
  ASSERT_TRUE(first.ok() && first->has_value());
  ASSERT_TRUE(put(*space_of(*a, "alice"), "a", "alice again").ok());
  auto second = users.set_aside("alice", wall_of(fixture));  // the same second: a suffix
  ASSERT_TRUE(second.ok() && second->has_value());
  EXPECT_EQ(**second, **first + ".2");
  fixture.clock().advance(10s);
  ASSERT_TRUE(put(*space_of(*a, "carol"), "c", "carol's").ok());
  auto third = users.set_aside("carol", wall_of(fixture));
  ASSERT_TRUE(third.ok() && third->has_value());

  auto early = users.sweep(30s, wall_of(fixture) + 29s);
  ASSERT_TRUE(early.ok());
  EXPECT_EQ(*early, 2u) << "both of alice's, set aside 39 s before; carol's is 29 s old";
  auto late = users.sweep(30s, wall_of(fixture) + 30s);
  ASSERT_TRUE(late.ok());
  EXPECT_EQ(*late, 1u);
  EXPECT_FALSE(users.remove(**third).ok());
}

}  // namespace
}  // namespace netdisk::cluster_test
