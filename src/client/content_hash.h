// ContentHash: XXH3-128 checksums of file contents as the protocol writes them (32 lowercase
// hex digits, canonical big-endian: the same text `xxh128sum` prints). The client computes
// them for upload resume, download resume (prefix_checksum) and the final download check.
// A ContentHasher has one owner at a time; the free functions are thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

namespace netdisk::client {

class ContentHasher {
 public:
  ContentHasher();
  ContentHasher(ContentHasher&&) noexcept;
  ContentHasher& operator=(ContentHasher&&) noexcept;
  ~ContentHasher();

  void update(std::span<const char> bytes) noexcept;
  // The checksum of everything given so far; updating may go on afterwards.
  std::string hex() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Feeds the first `length` bytes of `fd` (read with pread, the file offset is untouched) to
// `hasher`. Throws std::runtime_error naming `what` if the file is shorter or a read fails.
void hash_file_prefix(int fd, std::uint64_t length, ContentHasher& hasher, const std::string& what);

}  // namespace netdisk::client
