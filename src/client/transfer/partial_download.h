// PartialDownload: the local side of a download that may be interrupted and resumed. Bytes go
// to TARGET.part; the version tag of the server file they came from is kept with them, in the
// extended attribute user.netdisk.version of the .part file, or, where the file system has no
// user xattrs, in a sidecar file .TARGET.part.version beside it. Only commit() makes TARGET
// appear, by rename, so a TARGET that exists is always complete. One owner; blocking calls.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace netdisk::client {

inline constexpr const char* kVersionXattr = "user.netdisk.version";

class PartialDownload {
 public:
  static std::filesystem::path part_path(const std::filesystem::path& target);
  static std::filesystem::path sidecar_path(const std::filesystem::path& target);

  // Opens TARGET.part if it exists (to resume), else nullopt. Throws std::runtime_error.
  static std::optional<PartialDownload> open_existing(const std::filesystem::path& target);
  // Creates TARGET.part, empty, dropping any earlier partial and its version. Throws.
  static PartialDownload create(const std::filesystem::path& target);

  PartialDownload(PartialDownload&& other) noexcept;
  PartialDownload& operator=(PartialDownload&&) = delete;
  ~PartialDownload();  // closes the file, keeps it (it is the resume point)

  int fd() const noexcept { return fd_; }
  const std::filesystem::path& target() const noexcept { return target_; }
  // Bytes held now.
  std::uint64_t size() const;

  // The server version the bytes came from; nullopt if it was never stored.
  std::optional<std::string> stored_version() const;
  // Records the version, before any byte of it is written. Throws when neither the xattr nor
  // the sidecar can be written (then the partial could not be resumed safely).
  void store_version(const std::string& version);

  // Appends bytes at the end. Throws std::runtime_error naming the file (disk full...).
  void append(const char* data, std::size_t n);

  // Flushes to disk, forgets the version and renames TARGET.part to TARGET. Throws.
  void commit();
  // Removes TARGET.part and its version sidecar.
  void discard() noexcept;

 private:
  PartialDownload(std::filesystem::path target, int fd) : target_(std::move(target)), fd_(fd) {}
  void close() noexcept;

  std::filesystem::path target_;
  int fd_ = -1;
};

}  // namespace netdisk::client
