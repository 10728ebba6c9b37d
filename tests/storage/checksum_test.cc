#include "storage/checksum.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "storage/unique_fd.h"

namespace netdisk::storage {
namespace {

namespace fs = std::filesystem;

// Reference values from xxh128sum (xxhash 0.8).
constexpr const char* kEmptyXxh128 = "99aa06d3014798d86001c324468d497f";

class ChecksumTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "netdisk-checksum-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  UniqueFd make_file(const std::string& content) {
    std::ofstream(dir_ / "f", std::ios::binary) << content;
    return UniqueFd(::open((dir_ / "f").c_str(), O_RDONLY | O_CLOEXEC));
  }
  static std::span<const std::byte> bytes(std::string_view text) {
    return std::as_bytes(std::span(text.data(), text.size()));
  }

  fs::path dir_;
};

TEST_F(ChecksumTest, HasherMatchesTheReferenceValueForEmptyInput) {
  Xxh3Hasher hasher;
  EXPECT_EQ(hasher.hex_digest(), kEmptyXxh128);
}

TEST_F(ChecksumTest, StreamingInPiecesGivesTheSameDigestAsOneGo) {
  std::string text(100'000, 'q');
  for (std::size_t i = 0; i < text.size(); ++i) text[i] = static_cast<char>('a' + i % 26);
  Xxh3Hasher whole;
  whole.update(bytes(text));
  Xxh3Hasher pieces;
  for (std::size_t i = 0; i < text.size(); i += 777) {
    pieces.update(bytes(std::string_view(text).substr(i, 777)));
  }
  EXPECT_EQ(whole.hex_digest(), pieces.hex_digest());
  EXPECT_TRUE(is_checksum_hex(whole.hex_digest()));
}

TEST_F(ChecksumTest, PrefixChecksumHashesExactlyTheFirstBytes) {
  auto fd = make_file("hello world");
  Xxh3Hasher hello;
  hello.update(bytes("hello"));
  auto prefix = prefix_checksum(fd.get(), 5);
  ASSERT_TRUE(prefix.ok()) << prefix.error().message;
  EXPECT_EQ(*prefix, hello.hex_digest());
  EXPECT_EQ(*prefix_checksum(fd.get(), 0), kEmptyXxh128);
  Xxh3Hasher world;
  world.update(bytes("world"));
  EXPECT_EQ(*range_checksum(fd.get(), 6, 5), world.hex_digest());
}

TEST_F(ChecksumTest, PrefixLongerThanTheFileIsOutOfRange) {
  auto fd = make_file("short");
  auto result = prefix_checksum(fd.get(), 6);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, Errc::offset_out_of_range);
  EXPECT_EQ(range_checksum(fd.get(), 6, 0).error().code, Errc::offset_out_of_range);
  EXPECT_EQ(range_checksum(fd.get(), 1, ~0ULL).error().code, Errc::offset_out_of_range);
  EXPECT_TRUE(prefix_checksum(fd.get(), 5).ok());
}

TEST_F(ChecksumTest, IsChecksumHexWantsThirtyTwoLowercaseDigits) {
  EXPECT_TRUE(is_checksum_hex(kEmptyXxh128));
  EXPECT_FALSE(is_checksum_hex("99AA06D3014798D86001C324468D497F"));
  EXPECT_FALSE(is_checksum_hex("99aa06d3014798d86001c324468d497"));
  EXPECT_FALSE(is_checksum_hex("99aa06d3014798d86001c324468d497g"));
}

TEST_F(ChecksumTest, VersionTagChangesWhenTheContentChanges) {
  auto fd = make_file("one");
  struct ::stat first {};
  ASSERT_EQ(::fstat(fd.get(), &first), 0);
  std::ofstream(dir_ / "f", std::ios::binary | std::ios::app) << "more";
  struct ::stat second {};
  ASSERT_EQ(::fstat(fd.get(), &second), 0);
  EXPECT_NE(version_tag(first), version_tag(second));
  EXPECT_EQ(version_tag(second), version_tag(second));
  EXPECT_EQ(version_tag(first).size(), 16u);
}

TEST_F(ChecksumTest, WholeFileChecksumIsCachedInAnXattr) {
  auto fd = make_file("cache me");
  auto first = whole_file_checksum(fd.get());
  ASSERT_TRUE(first.ok());
  Xxh3Hasher expected;
  expected.update(bytes("cache me"));
  EXPECT_EQ(*first, expected.hex_digest());
  char value[128];
  ssize_t length = ::fgetxattr(fd.get(), kChecksumXattr, value, sizeof value);
  if (length < 0 && errno == ENOTSUP) GTEST_SKIP() << "no user xattrs on this filesystem";
  ASSERT_GT(length, 0);
  EXPECT_NE(std::string_view(value, static_cast<std::size_t>(length)).find(*first),
            std::string_view::npos);
  EXPECT_EQ(*whole_file_checksum(fd.get()), *first);
}

TEST_F(ChecksumTest, ACachedChecksumForOtherContentIsIgnored) {
  auto fd = make_file("aaaa");
  ASSERT_TRUE(whole_file_checksum(fd.get()).ok());
  // Same size, changed in place behind our back; force a distinct mtime in case both writes
  // fell into one timestamp tick.
  {
    UniqueFd writer(::open((dir_ / "f").c_str(), O_WRONLY | O_CLOEXEC));
    ASSERT_EQ(::pwrite(writer.get(), "bbbb", 4, 0), 4);
    timespec times[2] = {{0, UTIME_OMIT}, {1'000'000'000, 123}};
    ASSERT_EQ(::futimens(writer.get(), times), 0);
  }
  Xxh3Hasher expected;
  expected.update(bytes("bbbb"));
  EXPECT_EQ(*whole_file_checksum(fd.get()), expected.hex_digest());
}

}  // namespace
}  // namespace netdisk::storage
