// The storage interface's conformance suite (storage/user_space.h): every implementation
// passes the same tests, the local backend in a temporary folder and the in-memory twin. A new
// backend is one more type in Backends below.
#include <gtest/gtest.h>

#include <cctype>

#include <string>
#include <vector>

#include "storage/target_check.h"
#include "user_space_test_util.h"

namespace netdisk::storage {
namespace {

using testing::bytes_of;
using testing::put;
using testing::read_file;
using testing::xxh3_of;
using Replace = UserSpace::Replace;

template <typename Fixture>
class UserSpaceConformance : public ::testing::Test {
 protected:
  void SetUp() override {
    auto space = fixture_.backend().open_space("alice");
    ASSERT_TRUE(space.ok()) << space.error().message;
    space_ = std::move(*space);
  }
  UserSpace& space() { return *space_; }

  void expect_code(const StorageStatus& status, StorageErrc code, std::string_view what) {
    ASSERT_FALSE(status.ok()) << what;
    EXPECT_EQ(storage_errc_name(status.error().code), storage_errc_name(code))
        << what << ": " << status.error().message;
  }
  template <typename T>
  void expect_code(const StorageResult<T>& result, StorageErrc code, std::string_view what) {
    ASSERT_FALSE(result.ok()) << what;
    EXPECT_EQ(storage_errc_name(result.error().code), storage_errc_name(code))
        << what << ": " << result.error().message;
  }
  std::vector<std::string> names(std::string_view dir, std::string_view after = "",
                                 std::size_t limit = 100) {
    std::vector<std::string> out;
    auto entries = space().list(dir, after, limit);
    EXPECT_TRUE(entries.ok()) << entries.error().message;
    if (entries) {
      for (const auto& entry : *entries) out.push_back(entry.name);
    }
    return out;
  }

  Fixture fixture_;
  std::shared_ptr<UserSpace> space_;
};

using testing::Backends;
using testing::FixtureName;
TYPED_TEST_SUITE(UserSpaceConformance, Backends, FixtureName);

TYPED_TEST(UserSpaceConformance, BadNamesAreRefusedByEveryCall) {
  ASSERT_TRUE(put(this->space(), "ok", "x").ok());
  const std::vector<std::string> bad = {
      "..",  "a/../ok",        "/ok", std::string("o\0k", 3), std::string(300, 'n'), "a//b",
      "ok/", ".netdisk-part.x"};
  for (const auto& name : bad) {
    auto& s = this->space();
    this->expect_code(s.stat(name), StorageErrc::bad_name, "stat");
    this->expect_code(s.target_state(name), StorageErrc::bad_name, "target_state");
    this->expect_code(s.make_directory(name, true), StorageErrc::bad_name, "mkdir");
    this->expect_code(s.remove(name), StorageErrc::bad_name, "remove");
    this->expect_code(s.remove_tree(name), StorageErrc::bad_name, "remove_tree");
    this->expect_code(s.rename("ok", name, Replace::yes), StorageErrc::bad_name, "rename to");
    this->expect_code(s.rename(name, "ok2", Replace::no), StorageErrc::bad_name, "rename from");
    this->expect_code(s.copy("ok", name, Replace::yes), StorageErrc::bad_name, "copy");
    this->expect_code(s.open_read(name), StorageErrc::bad_name, "open_read");
    this->expect_code(s.checksum(name), StorageErrc::bad_name, "checksum");
    this->expect_code(s.begin_upload(name, 1, std::nullopt), StorageErrc::bad_name, "upload");
  }
  this->expect_code(this->space().remove_tree(""), StorageErrc::bad_name, "remove the space");
  EXPECT_EQ(read_file(this->space(), "ok"), "x");
}

TYPED_TEST(UserSpaceConformance, MissingNamesAreNotFound) {
  auto& s = this->space();
  this->expect_code(s.stat("nope"), StorageErrc::not_found, "stat");
  this->expect_code(s.list("nope", "", 10), StorageErrc::not_found, "list");
  this->expect_code(s.remove("nope"), StorageErrc::not_found, "remove");
  this->expect_code(s.remove_tree("nope"), StorageErrc::not_found, "remove_tree");
  this->expect_code(s.rename("nope", "x", Replace::no), StorageErrc::not_found, "rename");
  this->expect_code(s.copy("nope", "x", Replace::no), StorageErrc::not_found, "copy");
  this->expect_code(s.open_read("nope"), StorageErrc::not_found, "open_read");
  this->expect_code(s.checksum("nope"), StorageErrc::not_found, "checksum");
  this->expect_code(s.begin_upload("nope/x", 1, std::nullopt), StorageErrc::not_found, "upload");
  this->expect_code(s.make_directory("nope/x", false), StorageErrc::not_found, "mkdir");
  this->expect_code(s.target_state("nope/x"), StorageErrc::not_found, "target_state");
  auto state = s.target_state("nope");
  ASSERT_TRUE(state.ok());
  EXPECT_FALSE(state->exists);
}

TYPED_TEST(UserSpaceConformance, MakeDirectoryWithAndWithoutParents) {
  auto& s = this->space();
  ASSERT_TRUE(s.make_directory("a", false).ok());
  this->expect_code(s.make_directory("a", false), StorageErrc::exists, "again");
  ASSERT_TRUE(s.make_directory("a", true).ok());
  ASSERT_TRUE(s.make_directory("a/b/c", true).ok());
  EXPECT_TRUE(s.stat("a/b/c")->is_directory);
  ASSERT_TRUE(put(s, "f", "x").ok());
  this->expect_code(s.make_directory("f", false), StorageErrc::exists, "over a file");
  this->expect_code(s.make_directory("f/g", true), StorageErrc::not_a_directory, "under a file");
  this->expect_code(s.list("f", "", 10), StorageErrc::not_a_directory, "list a file");
  auto root = s.stat("");
  ASSERT_TRUE(root.ok());
  EXPECT_TRUE(root->is_directory);
  EXPECT_EQ(root->name, "");
}

// WebDAV's getetag comes from the listing: it must be the version a read of the file reports.
TYPED_TEST(UserSpaceConformance, ListAndStatGiveAFilesVersionAndNoneForAFolder) {
  auto& s = this->space();
  ASSERT_TRUE(put(s, "f", "content").ok());
  ASSERT_TRUE(s.make_directory("d", false).ok());
  auto opened = s.open_read("f");
  ASSERT_TRUE(opened.ok());
  auto entries = s.list("", "", 10);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 2U);
  EXPECT_EQ((*entries)[0].version, "");  // "d"
  EXPECT_EQ((*entries)[1].version, (*opened)->version());
  EXPECT_EQ(s.stat("f")->version, (*opened)->version());
}

TYPED_TEST(UserSpaceConformance, ListPagesInByteOrder) {
  auto& s = this->space();
  for (const char* name : {"b", "a", "C", "\xc3\xa9", "a0"}) ASSERT_TRUE(put(s, name, name).ok());
  ASSERT_TRUE(s.make_directory("d", false).ok());
  EXPECT_EQ(this->names(""), (std::vector<std::string>{"C", "a", "a0", "b", "d", "\xc3\xa9"}));
  EXPECT_EQ(this->names("", "", 2), (std::vector<std::string>{"C", "a"}));
  EXPECT_EQ(this->names("", "a", 2), (std::vector<std::string>{"a0", "b"}));
  EXPECT_EQ(this->names("", "d", 5), (std::vector<std::string>{"\xc3\xa9"}));
  auto entries = s.list("", "c", 1);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 1U);
  EXPECT_TRUE((*entries)[0].is_directory);
  EXPECT_EQ(s.stat("a0")->size, 2U);
}

TYPED_TEST(UserSpaceConformance, RemoveTakesFilesAndEmptyFoldersOnly) {
  auto& s = this->space();
  ASSERT_TRUE(s.make_directory("d/e", true).ok());
  ASSERT_TRUE(put(s, "d/e/f", "x").ok());
  this->expect_code(s.remove("d"), StorageErrc::not_empty, "non-empty folder");
  ASSERT_TRUE(s.remove("d/e/f").ok());
  ASSERT_TRUE(s.remove("d/e").ok());
  EXPECT_EQ(this->names("d"), std::vector<std::string>{});
  // A folder holding only an idle partial counts as empty.
  auto sink = s.begin_upload("d/p", 4, xxh3_of("abcd"));
  ASSERT_TRUE(sink.ok());
  ASSERT_TRUE((*sink)->write(bytes_of("ab")).ok());
  sink->reset();
  EXPECT_TRUE(s.remove("d").ok());
}

TYPED_TEST(UserSpaceConformance, RemoveTreeTakesEverythingUnderAFolderPartialsIncluded) {
  auto& s = this->space();
  ASSERT_TRUE(s.make_directory("t/u/v", true).ok());
  ASSERT_TRUE(put(s, "t/u/v/f", "deep").ok());
  ASSERT_TRUE(put(s, "t/g", "top").ok());
  auto sink = s.begin_upload("t/u/p", 4, xxh3_of("abcd"));
  ASSERT_TRUE(sink.ok());
  ASSERT_TRUE((*sink)->write(bytes_of("ab")).ok());
  sink->reset();
  ASSERT_TRUE(s.remove_tree("t").ok());
  this->expect_code(s.stat("t"), StorageErrc::not_found, "gone");
  ASSERT_TRUE(s.make_directory("t/u", true).ok());
  auto again = s.begin_upload("t/u/p", 4, xxh3_of("abcd"));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->offset(), 0U) << "the partial went with the tree";
  ASSERT_TRUE(put(s, "single", "x").ok());
  EXPECT_TRUE(s.remove_tree("single").ok());
}

TYPED_TEST(UserSpaceConformance, RenameReplacesOnlyWhenAskedAndOnlyLikeWithLike) {
  auto& s = this->space();
  ASSERT_TRUE(put(s, "a", "A").ok());
  ASSERT_TRUE(put(s, "b", "B").ok());
  ASSERT_TRUE(s.make_directory("full/x", true).ok());
  ASSERT_TRUE(s.make_directory("empty", false).ok());
  this->expect_code(s.rename("a", "b", Replace::no), StorageErrc::exists, "no replace");
  EXPECT_EQ(read_file(s, "b"), "B");
  ASSERT_TRUE(s.rename("a", "b", Replace::yes).ok());
  EXPECT_EQ(read_file(s, "b"), "A");
  this->expect_code(s.stat("a"), StorageErrc::not_found, "source gone");
  this->expect_code(s.rename("b", "empty", Replace::yes), StorageErrc::is_a_directory, "f->d");
  this->expect_code(s.rename("full", "b", Replace::yes), StorageErrc::not_a_directory, "d->f");
  this->expect_code(s.rename("empty", "full", Replace::yes), StorageErrc::not_empty, "d->full");
  ASSERT_TRUE(s.rename("full", "empty", Replace::yes).ok());
  EXPECT_EQ(this->names("empty"), std::vector<std::string>{"x"});
  this->expect_code(s.rename("empty", "empty/x/in", Replace::no), StorageErrc::bad_name, "self");
  this->expect_code(s.rename("b", "nope/b", Replace::no), StorageErrc::not_found, "no parent");
  ASSERT_TRUE(s.rename("b", "empty/x/b", Replace::no).ok());
  EXPECT_EQ(read_file(s, "empty/x/b"), "A");
}

TYPED_TEST(UserSpaceConformance, CopyPublishesAFileOrATreeAndKeepsTheSource) {
  auto& s = this->space();
  ASSERT_TRUE(s.make_directory("src/sub", true).ok());
  ASSERT_TRUE(put(s, "src/one", "1").ok());
  ASSERT_TRUE(put(s, "src/sub/two", "22").ok());
  ASSERT_TRUE(put(s, "f", "file").ok());
  ASSERT_TRUE(put(s, "g", "other").ok());
  this->expect_code(s.copy("f", "g", Replace::no), StorageErrc::exists, "no replace");
  ASSERT_TRUE(s.copy("f", "g", Replace::yes).ok());
  EXPECT_EQ(read_file(s, "g"), "file");
  EXPECT_EQ(read_file(s, "f"), "file");
  EXPECT_EQ(s.checksum("g")->checksum, xxh3_of("file"));
  ASSERT_TRUE(s.copy("src", "dst", Replace::no).ok());
  EXPECT_EQ(read_file(s, "dst/one"), "1");
  EXPECT_EQ(read_file(s, "dst/sub/two"), "22");
  EXPECT_EQ(read_file(s, "src/sub/two"), "22");
  this->expect_code(s.copy("src", "dst", Replace::yes), StorageErrc::not_empty, "over full");
  this->expect_code(s.copy("f", "dst", Replace::yes), StorageErrc::is_a_directory, "f->d");
  this->expect_code(s.copy("src", "f", Replace::yes), StorageErrc::not_a_directory, "d->f");
  this->expect_code(s.copy("src", "src/sub/in", Replace::no), StorageErrc::bad_name, "self");
  ASSERT_TRUE(put(s, "dst/one", "changed").ok());
  EXPECT_EQ(read_file(s, "src/one"), "1") << "a copy is independent of its source";
}

TYPED_TEST(UserSpaceConformance, AnOpenFileKeepsReadingItsVersion) {
  auto& s = this->space();
  auto first = put(s, "f", "first version");
  ASSERT_TRUE(first.ok());
  auto file = s.open_read("f");
  ASSERT_TRUE(file.ok());
  EXPECT_EQ((*file)->version(), first->version);
  EXPECT_EQ((*file)->size(), 13U);
  auto second = put(s, "f", "second");
  ASSERT_TRUE(second.ok());
  EXPECT_NE(second->version, first->version);
  EXPECT_EQ(testing::read_all(**file), "first version");
  ASSERT_TRUE(s.remove("f").ok());
  std::array<std::byte, 5> buffer{};
  auto got = (*file)->read_at(6, buffer);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(buffer.data()), *got), "versi");
  EXPECT_EQ(*(*file)->read_at(13, buffer), 0U);
  EXPECT_EQ(*(*file)->read_at(400, buffer), 0U);
  EXPECT_EQ(*(*file)->prefix_checksum(5), xxh3_of("first"));
  this->expect_code((*file)->prefix_checksum(14), StorageErrc::out_of_range, "past the end");
  ASSERT_TRUE(s.make_directory("d", false).ok());
  this->expect_code(s.open_read("d"), StorageErrc::is_a_directory, "folder");
}

TYPED_TEST(UserSpaceConformance, PublishedVersionAndChecksumAreTheFilesOwn) {
  auto& s = this->space();
  auto published = put(s, "f", "content");
  ASSERT_TRUE(published.ok());
  EXPECT_EQ(published->checksum, xxh3_of("content"));
  auto sum = s.checksum("f");
  ASSERT_TRUE(sum.ok());
  EXPECT_EQ(sum->checksum, xxh3_of("content"));
  EXPECT_EQ(sum->size, 7U);
  EXPECT_EQ(sum->version, published->version);
  EXPECT_EQ(s.target_state("f")->version, published->version);
  auto file = s.open_read("f");
  ASSERT_TRUE(file.ok());
  EXPECT_EQ((*file)->stored_checksum(), xxh3_of("content"));
}

// What a quota counts (server/quota/): every byte of files and of kept partial uploads, under
// the whole space or one path; folders count nothing.
TYPED_TEST(UserSpaceConformance, StoredBytesCountsFilesAndPartialUploadsUnderAPath) {
  auto& s = this->space();
  ASSERT_TRUE(s.make_directory("d/e", true).ok());
  ASSERT_TRUE(put(s, "top", "12345").ok());
  ASSERT_TRUE(put(s, "d/e/f", "1234567890").ok());
  auto partial = s.begin_upload("d/p", 100, xxh3_of("whatever"));
  ASSERT_TRUE(partial.ok());
  ASSERT_TRUE((*partial)->write(bytes_of("abc")).ok());
  partial->reset();  // resumable: kept
  EXPECT_EQ(*s.stored_bytes(""), 18u);
  EXPECT_EQ(*s.stored_bytes("d"), 13u);
  EXPECT_EQ(*s.stored_bytes("d/e/f"), 10u);
  this->expect_code(s.stored_bytes("nothing"), StorageErrc::not_found, "missing");
  this->expect_code(s.stored_bytes("../x"), StorageErrc::bad_name, "escape");
}

TYPED_TEST(UserSpaceConformance, UploadsCheckSizeAndChecksum) {
  auto& s = this->space();
  ASSERT_TRUE(put(s, "f", "old").ok());
  auto sink = s.begin_upload("f", 4, std::nullopt);
  ASSERT_TRUE(sink.ok());
  EXPECT_FALSE((*sink)->resumable());
  this->expect_code((*sink)->write(bytes_of("12345")), StorageErrc::size_mismatch, "too long");
  ASSERT_TRUE((*sink)->write(bytes_of("12")).ok());
  this->expect_code((*sink)->commit(), StorageErrc::size_mismatch, "too short");
  EXPECT_EQ(read_file(s, "f"), "old");
  auto bad = s.begin_upload("f", 3, xxh3_of("new"));
  ASSERT_TRUE(bad.ok());
  ASSERT_TRUE((*bad)->write(bytes_of("NEW")).ok());
  this->expect_code((*bad)->commit(), StorageErrc::checksum_mismatch, "wrong bytes");
  EXPECT_EQ(read_file(s, "f"), "old");
  auto retry = s.begin_upload("f", 3, xxh3_of("new"));
  ASSERT_TRUE(retry.ok());
  EXPECT_EQ((*retry)->offset(), 0U) << "a mismatched partial is removed";
  retry->reset();
  ASSERT_TRUE(s.make_directory("d", false).ok());
  this->expect_code(s.begin_upload("d", 1, std::nullopt), StorageErrc::is_a_directory, "dir");
  this->expect_code(s.begin_upload("g", 1, "xyz"), StorageErrc::bad_argument, "checksum");
  std::string upper = xxh3_of("x");
  for (char& c : upper) c = static_cast<char>(std::toupper(c));
  auto accepted = s.begin_upload("g", 1, upper);
  ASSERT_TRUE(accepted.ok()) << "upper-case hex is accepted";
  ASSERT_TRUE((*accepted)->write(bytes_of("x")).ok());
  ASSERT_TRUE((*accepted)->commit().ok());
}

TYPED_TEST(UserSpaceConformance, AResumableUploadResumesAndIsBusyWhileHeld) {
  auto& s = this->space();
  std::string content = "resumable content";
  auto sink = s.begin_upload("r", content.size(), xxh3_of(content));
  ASSERT_TRUE(sink.ok());
  EXPECT_TRUE((*sink)->resumable());
  ASSERT_TRUE((*sink)->write(bytes_of(std::string_view(content).substr(0, 9))).ok());
  this->expect_code(s.begin_upload("r", content.size(), xxh3_of(content)), StorageErrc::busy,
                    "second sink");
  EXPECT_EQ(this->names(""), std::vector<std::string>{}) << "partials are never listed";
  sink->reset();  // dropped: the partial stays
  auto resumed = s.begin_upload("r", content.size(), xxh3_of(content));
  ASSERT_TRUE(resumed.ok());
  EXPECT_EQ((*resumed)->offset(), 9U);
  ASSERT_TRUE((*resumed)->write(bytes_of(std::string_view(content).substr(9))).ok());
  ASSERT_TRUE((*resumed)->commit().ok());
  EXPECT_EQ(read_file(s, "r"), content);
  auto discarded = s.begin_upload("q", 4, xxh3_of("abcd"));
  ASSERT_TRUE(discarded.ok());
  ASSERT_TRUE((*discarded)->write(bytes_of("ab")).ok());
  (*discarded)->discard();
  auto fresh = s.begin_upload("q", 4, xxh3_of("abcd"));
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ((*fresh)->offset(), 0U) << "discard removes even a resumable partial";
}

TYPED_TEST(UserSpaceConformance, AnUnsizedUploadPublishesWhatArrivedAtomically) {
  auto& s = this->space();
  ASSERT_TRUE(put(s, "f", "old").ok());
  auto sink = s.begin_unsized_upload("f", 100);
  ASSERT_TRUE(sink.ok()) << sink.error().message;
  EXPECT_FALSE((*sink)->size_known());
  EXPECT_FALSE((*sink)->resumable());
  ASSERT_TRUE((*sink)->write(bytes_of("abc")).ok());
  ASSERT_TRUE((*sink)->write(bytes_of("defg")).ok());
  EXPECT_EQ((*sink)->offset(), 7U);
  EXPECT_EQ(read_file(s, "f"), "old") << "nothing is visible before the commit";
  EXPECT_EQ(this->names(""), std::vector<std::string>{"f"}) << "partials are never listed";
  auto published = (*sink)->commit();
  ASSERT_TRUE(published.ok()) << published.error().message;
  EXPECT_EQ(published->checksum, xxh3_of("abcdefg"));
  EXPECT_EQ(read_file(s, "f"), "abcdefg");
  EXPECT_EQ(s.stat("f")->size, 7U);
  EXPECT_EQ(s.target_state("f")->version, published->version);
}

TYPED_TEST(UserSpaceConformance, AnUnsizedUploadOfNothingPublishesAnEmptyFile) {
  auto& s = this->space();
  ASSERT_TRUE(put(s, "f", "old").ok());
  auto sink = s.begin_unsized_upload("f", 100);
  ASSERT_TRUE(sink.ok());
  ASSERT_TRUE((*sink)->commit().ok());
  EXPECT_EQ(read_file(s, "f"), "");
}

TYPED_TEST(UserSpaceConformance, AnUnsizedUploadStopsAtItsLimitAndIsNeverFoundAgain) {
  auto& s = this->space();
  ASSERT_TRUE(put(s, "f", "old").ok());
  auto sink = s.begin_unsized_upload("f", 4);
  ASSERT_TRUE(sink.ok());
  ASSERT_TRUE((*sink)->write(bytes_of("abc")).ok());
  this->expect_code((*sink)->write(bytes_of("de")), StorageErrc::size_mismatch, "over the limit");
  EXPECT_EQ((*sink)->offset(), 3U) << "nothing of a refused write is kept";
  sink->reset();  // dropped: an unsized partial is junk, not a resume point
  auto fresh = s.begin_unsized_upload("f", 4);
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ((*fresh)->offset(), 0U);
  auto second = s.begin_unsized_upload("f", 4);
  ASSERT_TRUE(second.ok()) << "two unsized uploads of one name each get their own partial";
  ASSERT_TRUE((*second)->write(bytes_of("two")).ok());
  ASSERT_TRUE((*fresh)->write(bytes_of("one")).ok());
  ASSERT_TRUE((*second)->commit().ok());
  ASSERT_TRUE((*fresh)->commit().ok());
  EXPECT_EQ(read_file(s, "f"), "one") << "the last commit wins, whole";
  ASSERT_TRUE(s.make_directory("d", false).ok());
  this->expect_code(s.begin_unsized_upload("d", 4), StorageErrc::is_a_directory, "dir");
  this->expect_code(s.begin_unsized_upload("missing/f", 4), StorageErrc::not_found, "parent");
  this->expect_code(s.begin_unsized_upload("../f", 4), StorageErrc::bad_name, "bad name");
}

TYPED_TEST(UserSpaceConformance, AnUnsizedUploadHonoursItsConditionAtCommit) {
  auto& s = this->space();
  auto v1 = put(s, "f", "one");
  ASSERT_TRUE(v1.ok());
  ASSERT_TRUE(put(s, "f", "two").ok());
  auto sink = s.begin_unsized_upload("f", 100);
  ASSERT_TRUE(sink.ok());
  ASSERT_TRUE((*sink)->write(bytes_of("three")).ok());
  this->expect_code((*sink)->commit(require_version(v1->version)), StorageErrc::condition_failed,
                    "stale version");
  EXPECT_EQ(read_file(s, "f"), "two");
}

TYPED_TEST(UserSpaceConformance, ConditionsRunAtCommitAndRemove) {
  auto& s = this->space();
  auto v1 = put(s, "f", "one");
  ASSERT_TRUE(v1.ok());
  auto v2 = put(s, "f", "two", require_version(v1->version));
  ASSERT_TRUE(v2.ok());
  std::string content = "three";
  auto stale = s.begin_upload("f", content.size(), xxh3_of(content));
  ASSERT_TRUE(stale.ok());
  ASSERT_TRUE((*stale)->write(bytes_of(content)).ok());
  this->expect_code((*stale)->commit(require_version(v1->version)), StorageErrc::condition_failed,
                    "stale version");
  EXPECT_EQ(read_file(s, "f"), "two");
  stale->reset();
  auto resumed = s.begin_upload("f", content.size(), xxh3_of(content));
  ASSERT_TRUE(resumed.ok());
  EXPECT_EQ((*resumed)->offset(), content.size()) << "a refused resumable partial stays";
  (*resumed)->discard();
  this->expect_code(put(s, "f", "new", require_absent()), StorageErrc::condition_failed, "absent");
  ASSERT_TRUE(put(s, "g", "new", require_absent()).ok());
  this->expect_code(s.remove("f", require_version(v1->version)), StorageErrc::condition_failed,
                    "remove stale");
  EXPECT_EQ(read_file(s, "f"), "two");
  EXPECT_TRUE(s.remove("f", require_version(v2->version)).ok());
  this->expect_code(s.remove("f", require_version(v2->version)), StorageErrc::not_found, "gone");
}

// Dead properties (storage/dead_properties.h): what one resource holds after a patch.
DeadProperties props_of(UserSpace& space, std::string_view path) {
  auto props = space.properties(path);
  EXPECT_TRUE(props.ok()) << path << ": " << props.error().message;
  return props ? *props : DeadProperties{};
}

PropertyChange prop_set(std::string local, std::string value) {
  return PropertyChange{{"urn:t", std::move(local)}, std::move(value)};
}
PropertyChange prop_unset(std::string local) {
  return PropertyChange{{"urn:t", std::move(local)}, {}};
}

TYPED_TEST(UserSpaceConformance, PropertyPatchesApplyInOrderAllOrNothingAndKeepTheVersion) {
  auto& s = this->space();
  auto v1 = put(s, "f", "content");
  ASSERT_TRUE(v1.ok());
  EXPECT_TRUE(props_of(s, "f").empty());
  std::vector<PropertyChange> first = {prop_set("a", "<a xmlns=\"urn:t\">1</a>"),
                                       prop_set("b", "2"), prop_unset("a"), prop_unset("never-set"),
                                       prop_set("c", "3")};
  ASSERT_TRUE(s.patch_properties("f", first).ok());
  DeadProperties expected = {{{"urn:t", "b"}, "2"}, {{"urn:t", "c"}, "3"}};
  EXPECT_EQ(props_of(s, "f"), expected);
  EXPECT_EQ(s.stat("f")->version, v1->version) << "a property is not the content";
  EXPECT_EQ(read_file(s, "f"), "content");

  std::vector<PropertyChange> too_many;
  for (std::size_t i = 0; i <= kMaxPropertyCount; ++i)
    too_many.push_back(prop_set(std::to_string(i), ""));
  this->expect_code(s.patch_properties("f", too_many), StorageErrc::no_space, "count");
  std::vector<PropertyChange> too_big = {prop_unset("b"),
                                         prop_set("big", std::string(kMaxPropertyBytes, 'x'))};
  this->expect_code(s.patch_properties("f", too_big), StorageErrc::no_space, "bytes");
  EXPECT_EQ(props_of(s, "f"), expected) << "a refused patch changes nothing";

  ASSERT_TRUE(s.make_directory("d", false).ok());
  std::vector<PropertyChange> on_folder = {prop_set("x", "folder")};
  ASSERT_TRUE(s.patch_properties("d", on_folder).ok());
  ASSERT_TRUE(s.patch_properties("", on_folder).ok());
  EXPECT_EQ(props_of(s, "d").size(), 1u);
  EXPECT_EQ(props_of(s, "").size(), 1u);
  this->expect_code(s.properties("missing"), StorageErrc::not_found, "read missing");
  this->expect_code(s.patch_properties("missing", on_folder), StorageErrc::not_found, "patch");
  this->expect_code(s.properties("../x"), StorageErrc::bad_name, "bad name");
}

TYPED_TEST(UserSpaceConformance, PropertiesFollowRenameAreCopiedAndEndWithTheResource) {
  auto& s = this->space();
  ASSERT_TRUE(s.make_directory("tree/sub", true).ok());
  ASSERT_TRUE(put(s, "tree/sub/f", "x").ok());
  std::vector<PropertyChange> file_props = {prop_set("file", "on f")};
  std::vector<PropertyChange> dir_props = {prop_set("dir", "on sub")};
  ASSERT_TRUE(s.patch_properties("tree/sub/f", file_props).ok());
  ASSERT_TRUE(s.patch_properties("tree/sub", dir_props).ok());

  ASSERT_TRUE(s.copy("tree", "copy", Replace::no).ok());
  EXPECT_EQ(props_of(s, "copy/sub/f").at({"urn:t", "file"}), "on f");
  EXPECT_EQ(props_of(s, "copy/sub").at({"urn:t", "dir"}), "on sub");
  ASSERT_TRUE(s.copy("tree/sub/f", "g", Replace::no).ok());
  EXPECT_EQ(props_of(s, "g").size(), 1u);

  ASSERT_TRUE(s.rename("tree/sub/f", "moved", Replace::no).ok());
  EXPECT_EQ(props_of(s, "moved").at({"urn:t", "file"}), "on f");
  ASSERT_TRUE(put(s, "plain", "y").ok());
  ASSERT_TRUE(s.rename("plain", "moved", Replace::yes).ok());
  EXPECT_TRUE(props_of(s, "moved").empty()) << "a replaced target's properties go with it";

  ASSERT_TRUE(s.remove("g").ok());
  ASSERT_TRUE(put(s, "g", "again").ok());
  EXPECT_TRUE(props_of(s, "g").empty()) << "a new file at the name starts bare";
  ASSERT_TRUE(s.remove_tree("copy").ok());
  ASSERT_TRUE(s.make_directory("copy/sub", true).ok());
  EXPECT_TRUE(props_of(s, "copy/sub").empty());
}

TYPED_TEST(UserSpaceConformance, AnUploadThatReplacesAFileKeepsItsProperties) {
  auto& s = this->space();
  auto v1 = put(s, "f", "old");
  ASSERT_TRUE(v1.ok());
  std::vector<PropertyChange> props = {prop_set("kept", "yes")};
  ASSERT_TRUE(s.patch_properties("f", props).ok());
  auto v2 = put(s, "f", "new content", require_version(v1->version));
  ASSERT_TRUE(v2.ok());
  EXPECT_NE(v2->version, v1->version);
  EXPECT_EQ(read_file(s, "f"), "new content");
  EXPECT_EQ(props_of(s, "f").at({"urn:t", "kept"}), "yes");
}

}  // namespace
}  // namespace netdisk::storage
