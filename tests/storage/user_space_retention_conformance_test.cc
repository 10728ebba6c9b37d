// The storage interface's conformance suite for the trash and versions (user_space.h,
// retention.h): the local backend in a temporary folder and the in-memory twin pass the same
// tests, with a hand-set wall clock instead of waiting.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "user_space_test_util.h"

namespace netdisk::storage {
namespace {

using namespace std::chrono_literals;
using testing::put;
using testing::read_file;
using testing::xxh3_of;

template <typename Fixture>
class RetentionConformance : public ::testing::Test {
 protected:
  void SetUp() override {
    Retention retention;
    retention.versions_kept = 3;
    retention.version_max_age = std::chrono::hours(24 * 90);
    retention.clock = [now = now_] { return *now; };
    fixture_.backend().set_retention(retention);
    auto space = fixture_.backend().open_space("alice");
    ASSERT_TRUE(space.ok()) << space.error().message;
    space_ = std::move(*space);
  }
  UserSpace& space() { return *space_; }
  void advance(std::chrono::seconds by) { *now_ += by; }
  std::vector<std::string> names(std::string_view dir) {
    std::vector<std::string> out;
    auto entries = space().list(dir, "", 100);
    EXPECT_TRUE(entries.ok()) << entries.error().message;
    if (entries) {
      for (const auto& entry : *entries) out.push_back(entry.name);
    }
    return out;
  }
  template <typename T>
  void expect_code(const StorageResult<T>& result, StorageErrc code, std::string_view what) {
    ASSERT_FALSE(result.ok()) << what;
    EXPECT_EQ(storage_errc_name(result.error().code), storage_errc_name(code))
        << what << ": " << result.error().message;
  }

  std::shared_ptr<std::chrono::system_clock::time_point> now_ =
      std::make_shared<std::chrono::system_clock::time_point>(
          std::chrono::sys_days(std::chrono::year(2026) / 1 / 1));
  Fixture fixture_;
  std::shared_ptr<UserSpace> space_;
};

using testing::Backends;
using testing::FixtureName;
TYPED_TEST_SUITE(RetentionConformance, Backends, FixtureName);

TYPED_TEST(RetentionConformance, TrashKeepsPathSizeTimeAndRestoresTheSameBytes) {
  auto& s = this->space();
  ASSERT_TRUE(s.make_directory("docs/deep", true).ok());
  ASSERT_TRUE(put(s, "docs/a.txt", "alpha").ok());
  ASSERT_TRUE(put(s, "docs/deep/b.txt", "bravo!").ok());
  auto entry = s.move_to_trash("docs");
  ASSERT_TRUE(entry.ok()) << entry.error().message;
  EXPECT_EQ(entry->original_path, "docs");
  EXPECT_TRUE(entry->is_directory);
  EXPECT_EQ(entry->size, 11u);
  EXPECT_EQ(entry->removed_ns, to_ns(*this->now_));
  EXPECT_TRUE(this->names("").empty());  // the trash itself is never listed
  auto listed = s.list_trash();
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().id, entry->id);
  auto restored = s.restore_from_trash(entry->id, std::nullopt);
  ASSERT_TRUE(restored.ok()) << restored.error().message;
  EXPECT_EQ(*restored, "docs");
  EXPECT_EQ(read_file(s, "docs/deep/b.txt"), "bravo!");
  EXPECT_TRUE(s.list_trash()->empty());
}

TYPED_TEST(RetentionConformance, RestoreNeverOverwritesButTakesANewName) {
  auto& s = this->space();
  ASSERT_TRUE(put(s, "a.txt", "old").ok());
  auto entry = s.move_to_trash("a.txt");
  ASSERT_TRUE(entry.ok());
  ASSERT_TRUE(put(s, "a.txt", "new").ok());
  this->expect_code(s.restore_from_trash(entry->id, std::nullopt), StorageErrc::exists, "restore");
  EXPECT_EQ(read_file(s, "a.txt"), "new");
  auto moved = s.restore_from_trash(entry->id, std::string("again/a-old.txt"));
  ASSERT_TRUE(moved.ok()) << moved.error().message;
  EXPECT_EQ(read_file(s, "again/a-old.txt"), "old");
  this->expect_code(s.restore_from_trash(entry->id, std::nullopt), StorageErrc::not_found,
                    "restored twice");
  this->expect_code(s.restore_from_trash("../x", std::nullopt), StorageErrc::not_found, "bad id");
}

TYPED_TEST(RetentionConformance, EmptyDeleteAndPurgeReportTheBytesFreed) {
  auto& s = this->space();
  ASSERT_TRUE(put(s, "one", "1111").ok());
  ASSERT_TRUE(put(s, "two", "22").ok());
  ASSERT_TRUE(put(s, "three", "333").ok());
  auto first = s.move_to_trash("one");
  this->advance(std::chrono::hours(24 * 10));
  auto second = s.move_to_trash("two");
  auto third = s.move_to_trash("three");
  ASSERT_TRUE(first.ok() && second.ok() && third.ok());
  auto purged = s.purge_trash(*this->now_ - std::chrono::hours(24 * 5));
  ASSERT_TRUE(purged.ok());
  EXPECT_EQ(purged->entries, 1u);
  EXPECT_EQ(purged->bytes, 4u);
  auto one = s.delete_from_trash(second->id);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->bytes, 2u);
  this->expect_code(s.delete_from_trash(second->id), StorageErrc::not_found, "deleted twice");
  auto all = s.delete_from_trash(std::nullopt);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->entries, 1u);
  EXPECT_EQ(all->bytes, 3u);
  EXPECT_TRUE(s.list_trash()->empty());
}

TYPED_TEST(RetentionConformance, ReplacingKeepsVersionsAndRestoreKeepsTheReplacedOne) {
  auto& s = this->space();
  for (std::string content : {"first", "second!", "third!!", "fourth!!"}) {
    ASSERT_TRUE(put(s, "f.txt", content).ok());
    this->advance(1s);
  }
  auto versions = s.list_versions("f.txt");
  ASSERT_TRUE(versions.ok()) << versions.error().message;
  ASSERT_EQ(versions->size(), 3u);  // newest first
  EXPECT_EQ(versions->back().size, 5u);
  EXPECT_EQ(versions->back().checksum, xxh3_of("first"));
  EXPECT_GT(versions->front().time_ns, versions->back().time_ns);
  auto restored = s.restore_version("f.txt", versions->back().id);
  ASSERT_TRUE(restored.ok()) << restored.error().message;
  EXPECT_EQ(read_file(s, "f.txt"), "first");
  auto after = s.list_versions("f.txt");
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->size(), 3u);  // "first" left the list, "fourth!!" joined it
  EXPECT_EQ(after->front().checksum, xxh3_of("fourth!!"));
  this->expect_code(s.restore_version("f.txt", "00000000000000000001"), StorageErrc::not_found,
                    "no such version");
}

TYPED_TEST(RetentionConformance, VersionsArePrunedAtTheCountAndTheAge) {
  auto& s = this->space();
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE(put(s, "f", std::string(static_cast<std::size_t>(i + 1), 'x')).ok());
    this->advance(1s);
  }
  EXPECT_EQ(s.list_versions("f")->size(), 3u);  // versions_kept
  this->advance(std::chrono::hours(24 * 100));
  auto pruned = s.prune_versions(3, *this->now_ - std::chrono::hours(24 * 90));
  ASSERT_TRUE(pruned.ok());
  EXPECT_EQ(pruned->entries, 3u);
  EXPECT_EQ(pruned->bytes, 3u + 4u + 5u);
  EXPECT_TRUE(s.list_versions("f")->empty());
  EXPECT_EQ(read_file(s, "f"), "xxxxxx");
}

TYPED_TEST(RetentionConformance, DropOldestVersionsFreesAtLeastTheBytesAsked) {
  auto& s = this->space();
  ASSERT_TRUE(put(s, "a", "aaaa").ok());
  this->advance(1s);
  ASSERT_TRUE(put(s, "b", "bbbbbb").ok());
  this->advance(1s);
  ASSERT_TRUE(put(s, "a", "A").ok());  // keeps "aaaa" (oldest)
  this->advance(1s);
  ASSERT_TRUE(put(s, "b", "B").ok());  // keeps "bbbbbb"
  auto dropped = s.drop_oldest_versions(3);
  ASSERT_TRUE(dropped.ok());
  EXPECT_EQ(dropped->entries, 1u);
  EXPECT_EQ(dropped->bytes, 4u);
  EXPECT_TRUE(s.list_versions("a")->empty());
  EXPECT_EQ(s.list_versions("b")->size(), 1u);
}

TYPED_TEST(RetentionConformance, ReservedFoldersAreUnnameable) {
  auto& s = this->space();
  ASSERT_TRUE(put(s, "x", "1").ok());
  ASSERT_TRUE(put(s, "x", "2").ok());
  ASSERT_TRUE(s.move_to_trash("x").ok());
  for (std::string bad :
       {".netdisk-trash", ".netdisk-versions", ".netdisk-trash/a", "d/.netdisk-versions"}) {
    this->expect_code(s.stat(bad), StorageErrc::bad_name, bad);
    this->expect_code(s.list(bad, "", 10), StorageErrc::bad_name, bad);
    this->expect_code(s.move_to_trash(bad), StorageErrc::bad_name, bad);
    this->expect_code(s.restore_from_trash("x", bad), StorageErrc::not_found, bad);
  }
  auto entry = s.list_trash();
  ASSERT_TRUE(entry.ok() && entry->size() == 1);
  this->expect_code(s.restore_from_trash(entry->front().id, std::string(".netdisk-trash/x")),
                    StorageErrc::bad_name, "restore into the trash");
  EXPECT_TRUE(this->names("").empty());
}

}  // namespace
}  // namespace netdisk::storage
