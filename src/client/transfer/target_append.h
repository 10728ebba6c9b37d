// TargetAppend: continuing a download in the existing TARGET itself, when TARGET holds the
// start of the server's file (left by another tool, an older client, a copy) and the server
// has confirmed those bytes. Bytes are only ever appended, so a download cut midway leaves
// TARGET a longer prefix and loses none of the bytes it held; a download whose final checksum
// fails is cut back to the length TARGET had. One owner; blocking calls.
#pragma once

#include <cstdint>
#include <filesystem>

namespace netdisk::client {

class TargetAppend {
 public:
  // Opens TARGET to append (never through a symbolic link). Throws std::runtime_error when it
  // is missing, not a regular file or cannot be written.
  static TargetAppend open(const std::filesystem::path& target);

  TargetAppend(TargetAppend&& other) noexcept;
  TargetAppend& operator=(TargetAppend&&) = delete;
  ~TargetAppend();

  int fd() const noexcept { return fd_; }
  const std::filesystem::path& target() const noexcept { return target_; }
  // The length TARGET had when it was opened: where the download continues.
  std::uint64_t original_size() const noexcept { return original_size_; }

  // Appends bytes at the end. Throws std::runtime_error naming the file (disk full...).
  void append(const char* data, std::size_t n);
  // Flushes to disk: TARGET is complete. Throws.
  void commit();
  // Cuts TARGET back to its original length (the appended bytes failed the checksum).
  void discard() noexcept;

 private:
  TargetAppend(std::filesystem::path target, int fd, std::uint64_t size)
      : target_(std::move(target)), fd_(fd), original_size_(size) {}

  std::filesystem::path target_;
  int fd_ = -1;
  std::uint64_t original_size_ = 0;
};

}  // namespace netdisk::client
