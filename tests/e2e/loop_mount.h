// LoopMount: a small, freshly made ext4 file system mounted on a temporary folder through a
// loop device, so a test can fill a real disk and get a real ENOSPC. The destructor unmounts
// it and removes the image and the folder, whatever the test did. Needs root; one owner.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

namespace netdisk::e2e {

class LoopMount {
 public:
  // Makes and mounts an image of `bytes`. Null with `why` set when this machine cannot (not
  // root, no loop devices, no mkfs.ext4); the caller then skips.
  static std::unique_ptr<LoopMount> create(std::uint64_t bytes, std::string& why);
  ~LoopMount();
  LoopMount(const LoopMount&) = delete;
  LoopMount& operator=(const LoopMount&) = delete;

  const std::filesystem::path& root() const { return mount_point_; }
  // Bytes an unprivileged writer can still use (statvfs f_bavail).
  std::uint64_t free_bytes() const;
  // Writes a file of zeros at `path` until the disk is full (or `limit` bytes); returns bytes.
  std::uint64_t fill(const std::filesystem::path& path,
                     std::uint64_t limit = UINT64_MAX) const;

 private:
  LoopMount(std::filesystem::path dir, std::filesystem::path mount_point)
      : dir_(std::move(dir)), mount_point_(std::move(mount_point)) {}

  std::filesystem::path dir_;  // holds the image and the mount point
  std::filesystem::path mount_point_;
};

}  // namespace netdisk::e2e
