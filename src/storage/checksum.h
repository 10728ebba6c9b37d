// Checksum: content fingerprints. XXH3-128 checksums of file contents (32 lowercase hex digits,
// the same as `xxh128sum`), version tags that change whenever a file's content may have
// changed, and the checksum cache kept in the extended attribute "user.netdisk.xxh3".
// Thread-safe: free functions are; an Xxh3Hasher has one owner at a time.
#pragma once

#include <sys/stat.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace netdisk::storage {

inline constexpr std::size_t kChecksumHexDigits = 32;
inline constexpr const char* kChecksumXattr = "user.netdisk.xxh3";

// True for exactly kChecksumHexDigits lowercase hex digits.
bool is_checksum_hex(std::string_view text) noexcept;

// Streaming XXH3-128. Move-only.
class Xxh3Hasher {
 public:
  Xxh3Hasher();
  Xxh3Hasher(Xxh3Hasher&&) noexcept;
  Xxh3Hasher& operator=(Xxh3Hasher&&) noexcept;
  ~Xxh3Hasher();

  void update(std::span<const std::byte> bytes) noexcept;
  // The checksum of everything passed to update() so far; the hasher may go on afterwards.
  std::string hex_digest() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Feeds bytes [offset, offset + length) of `fd` to `hasher`, with pread(2) (the file offset is
// untouched). offset_out_of_range if the file ends first; io_error on a read error.
Status hash_range(int fd, std::uint64_t offset, std::uint64_t length, Xxh3Hasher& hasher);

// XXH3-128 of bytes [offset, offset + length) of `fd`. offset_out_of_range if that range goes
// past the end of the file (checked against fstat first); io_error on a read error.
Result<std::string> range_checksum(int fd, std::uint64_t offset, std::uint64_t length);

// XXH3-128 of the first `length` bytes of `fd`, for resume checks. offset_out_of_range if
// `length` is over the file size.
Result<std::string> prefix_checksum(int fd, std::uint64_t length);

// A short hex tag that changes whenever the content behind `st` may have changed: it covers
// size, mtime (nanoseconds), inode and device. Uploads replace files by rename, so a new
// version is a new inode, and a write in place moves mtime. ctime is left out on purpose: it
// moves with metadata alone (an xattr such as the checksum cache or the dead properties of
// property_xattr.h, a rename), and the tag is the ETag, which is of the content.
std::string version_tag(const struct ::stat& st);

// The whole-file XXH3-128 of the regular file `fd`. Served from kChecksumXattr when that was
// stored for the file's current size, mtime, inode and device (ctime is left out because
// storing the attribute itself changes it); otherwise computed and stored (the version_tag()
// stays). Works without xattr support (just computes). io_error.
Result<std::string> whole_file_checksum(int fd);

// The checksum stored for the file's current state, if any; never computes (cheap enough for
// a download reply). nullopt when absent, stale or unreadable.
std::optional<std::string> stored_checksum(int fd);

// Stores `checksum` in kChecksumXattr for the file's current state (fstat of `fd`). A cache:
// failures (no xattr support, not the owner, no space) are ignored.
void store_checksum_xattr(int fd, std::string_view checksum) noexcept;

}  // namespace netdisk::storage
