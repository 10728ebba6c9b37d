// Storage faults, in process: the in-memory backend (storage/memory_space.h) injects ENOSPC,
// EIO, short writes and a crash between two steps of a commit, and the interface's promises
// hold: the old file survives, a failed write leaves no partial, a crash leaves the old or the
// new file and the upload resumes.
#include <gtest/gtest.h>

#include "user_space_test_util.h"

namespace netdisk::storage {
namespace {

using testing::bytes_of;
using testing::put;
using testing::read_file;
using testing::xxh3_of;

class MemoryFaults : public ::testing::Test {
 protected:
  void SetUp() override {
    backend_.create_space("alice");
    auto opened = backend_.open_space("alice");
    ASSERT_TRUE(opened.ok());
    space_ = std::dynamic_pointer_cast<MemorySpace>(*opened);
    ASSERT_NE(space_, nullptr);
    ASSERT_TRUE(put(*space_, "f", "old").ok());
  }
  std::unique_ptr<UploadSink> begin(std::string_view content) {
    auto sink = space_->begin_upload("f", content.size(), xxh3_of(content));
    EXPECT_TRUE(sink.ok());
    return sink ? std::move(*sink) : nullptr;
  }

  MemoryBackend backend_;
  std::shared_ptr<MemorySpace> space_;
};

TEST_F(MemoryFaults, NoSpaceMidUploadKeepsTheOldFileAndRemovesThePartial) {
  auto sink = begin("new content");
  ASSERT_NE(sink, nullptr);
  ASSERT_TRUE(sink->write(bytes_of("new ")).ok());
  backend_.faults().fail_write(2, StorageErrc::no_space);
  ASSERT_TRUE(sink->write(bytes_of("co")).ok());
  auto failed = sink->write(bytes_of("ntent"));
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, StorageErrc::no_space);
  EXPECT_EQ(space_->partial_count(), 0U) << "a failed write removes even a resumable partial";
  EXPECT_EQ(read_file(*space_, "f"), "old");
  EXPECT_FALSE(sink->write(bytes_of("x")).ok()) << "the upload is over";
  auto again = begin("new content");
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(again->offset(), 0U);
}

TEST_F(MemoryFaults, AShortWriteKeepsNothingAndReportsIoError) {
  auto sink = begin("abcdef");
  ASSERT_NE(sink, nullptr);
  backend_.faults().short_write(2);
  auto failed = sink->write(bytes_of("abcdef"));
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, StorageErrc::io_error);
  EXPECT_EQ(space_->partial_count(), 0U);
  EXPECT_EQ(read_file(*space_, "f"), "old");
  EXPECT_FALSE(sink->commit().ok());
}

TEST_F(MemoryFaults, ACrashBetweenDurableBytesAndRenameLeavesTheOldFileAndResumes) {
  auto sink = begin("new");
  ASSERT_NE(sink, nullptr);
  ASSERT_TRUE(sink->write(bytes_of("new")).ok());
  backend_.faults().crash_before_publish();
  auto crashed = sink->commit();
  ASSERT_FALSE(crashed.ok());
  EXPECT_EQ(crashed.error().code, StorageErrc::io_error);
  EXPECT_EQ(read_file(*space_, "f"), "old");
  sink.reset();
  auto resumed = begin("new");
  ASSERT_NE(resumed, nullptr) << "a crash frees the partial, as the end of a process does";
  EXPECT_EQ(resumed->offset(), 3U) << "the durable bytes are found again";
  auto published = resumed->commit();
  ASSERT_TRUE(published.ok()) << published.error().message;
  EXPECT_EQ(read_file(*space_, "f"), "new");
  EXPECT_EQ(space_->partial_count(), 0U);
}

TEST_F(MemoryFaults, NoSpaceMidUnsizedUploadKeepsTheOldFileAndRemovesThePartial) {
  auto sink = space_->begin_unsized_upload("f", kMaxUploadBytes);
  ASSERT_TRUE(sink.ok());
  ASSERT_TRUE((*sink)->write(bytes_of("new ")).ok());
  backend_.faults().fail_write(1, StorageErrc::no_space);
  auto failed = (*sink)->write(bytes_of("content"));
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, StorageErrc::no_space);
  EXPECT_EQ(space_->partial_count(), 0U);
  EXPECT_EQ(read_file(*space_, "f"), "old");
  EXPECT_FALSE((*sink)->commit().ok()) << "the upload is over";
  EXPECT_EQ(read_file(*space_, "f"), "old");
}

TEST_F(MemoryFaults, ACrashInAnUnsizedCommitLeavesTheOldFileAndAPartialTheSweepTakes) {
  auto sink = space_->begin_unsized_upload("f", kMaxUploadBytes);
  ASSERT_TRUE(sink.ok());
  ASSERT_TRUE((*sink)->write(bytes_of("new")).ok());
  backend_.faults().crash_before_publish();
  auto crashed = (*sink)->commit();
  ASSERT_FALSE(crashed.ok());
  EXPECT_EQ(crashed.error().code, StorageErrc::io_error);
  EXPECT_EQ(read_file(*space_, "f"), "old");
  sink->reset();
  auto again = space_->begin_unsized_upload("f", kMaxUploadBytes);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->offset(), 0U) << "nothing names an unsized partial: it never resumes";
  again->reset();
  EXPECT_EQ(space_->partial_count(), 1U) << "the crashed one is left, as a killed process's is";
  auto swept = backend_.sweep_partial_uploads(std::chrono::seconds(0));
  ASSERT_TRUE(swept.ok());
  EXPECT_EQ(*swept, 1U);
  EXPECT_EQ(space_->partial_count(), 0U);
}

TEST_F(MemoryFaults, ReadAndListFailuresAreIoErrorsOnce) {
  auto file = space_->open_read("f");
  ASSERT_TRUE(file.ok());
  EXPECT_EQ((*file)->native_fd(), -1);
  backend_.faults().fail_read();
  std::array<std::byte, 3> buffer{};
  auto failed = (*file)->read_at(0, buffer);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, StorageErrc::io_error);
  EXPECT_EQ(*(*file)->read_at(0, buffer), 3U);
  backend_.faults().fail_list();
  auto listing = space_->list("", "", 10);
  ASSERT_FALSE(listing.ok());
  EXPECT_EQ(listing.error().code, StorageErrc::io_error);
  EXPECT_TRUE(space_->list("", "", 10).ok());
}

TEST_F(MemoryFaults, SweepRemovesIdlePartialsOnly) {
  auto held = begin("abc");
  auto idle = space_->begin_upload("g", 3, xxh3_of("xyz"));
  ASSERT_TRUE(idle.ok());
  idle->reset();
  auto swept = backend_.sweep_partial_uploads(std::chrono::seconds(0));
  ASSERT_TRUE(swept.ok());
  EXPECT_EQ(*swept, 1U);
  EXPECT_EQ(space_->partial_count(), 1U);
}

TEST_F(MemoryFaults, AFailedPropertyWriteChangesNothing) {
  ASSERT_TRUE(put(*space_, "f", "x").ok());
  std::vector<PropertyChange> first = {{{"urn:t", "a"}, "1"}};
  ASSERT_TRUE(space_->patch_properties("f", first).ok());
  backend_.faults().fail_property_write(StorageErrc::io_error);
  std::vector<PropertyChange> second = {{{"urn:t", "a"}, {}}, {{"urn:t", "b"}, "2"}};
  auto patched = space_->patch_properties("f", second);
  ASSERT_FALSE(patched.ok());
  EXPECT_EQ(patched.error().code, StorageErrc::io_error);
  DeadProperties expected = {{{"urn:t", "a"}, "1"}};
  EXPECT_EQ(*space_->properties("f"), expected);
  EXPECT_TRUE(space_->patch_properties("f", second).ok()) << "the fault fires once";
}

}  // namespace
}  // namespace netdisk::storage
