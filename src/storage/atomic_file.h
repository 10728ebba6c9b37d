// AtomicFile: a new version of a file, written beside its target and published by rename(2).
// The bytes go to a temporary file in the same directory; commit() fsyncs it, renames it over
// the target and fsyncs the directory, so a crash at any instant leaves either the old or the
// new version, never a mix. Destroying an uncommitted AtomicFile removes the temporary file.
// One owner at a time (move-only); blocking calls: run them on the blocking pool.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "common/result.h"
#include "storage/unique_fd.h"

namespace netdisk::storage {

// Every temporary name NetDisk creates starts with this; listings hide such names and the
// start-up sweep removes stale ones. User-chosen names may not start with it.
inline constexpr std::string_view kTempPrefix = ".netdisk-tmp.";

// 16 random lowercase hex digits (64 bits from getrandom(2)), for unique temporary names.
std::string random_name_suffix();

// fsync(2) on a directory, so that a rename or create inside it is durable.
Status fsync_directory(int dirfd);

// Writes all of `bytes` at the file's current offset, retrying short writes and EINTR.
Status write_all(int fd, std::span<const std::byte> bytes);

class AtomicFile {
 public:
  // Creates an empty temporary file for `target_name` inside the directory `dirfd` (which is
  // duplicated, so the caller keeps its own). `target_name` is a single path component.
  static Result<AtomicFile> create(int dirfd, std::string target_name, mode_t mode = 0644);

  AtomicFile(AtomicFile&&) noexcept = default;
  AtomicFile& operator=(AtomicFile&&) noexcept;
  ~AtomicFile();

  int fd() const noexcept { return file_.get(); }
  const std::string& temp_name() const noexcept { return temp_name_; }
  const std::string& target_name() const noexcept { return target_name_; }

  Status write(std::span<const std::byte> bytes) { return write_all(file_.get(), bytes); }

  // fsync the data, rename over the target, fsync the directory. On any failure nothing is
  // renamed (in particular, never after a failed fsync) and the temporary file is removed.
  // `rename_flags` go to renameat2(2): RENAME_NOREPLACE refuses to replace (already_exists).
  Status commit(unsigned rename_flags = 0);

 private:
  AtomicFile(UniqueFd dir, UniqueFd file, std::string temp_name, std::string target_name);
  void discard() noexcept;

  UniqueFd dir_;
  UniqueFd file_;
  std::string temp_name_;
  std::string target_name_;
  bool committed_ = false;
};

// The whole of a small file the server wrote itself (the sessions and share-link files),
// opened without following a symlink. not_found when it is missing; io_error when it is over
// `max_bytes` (the server never writes one that large, so it is not read into memory). `what`
// names the file in error messages ("the sessions file"), never its path.
Result<std::string> read_small_file(const std::filesystem::path& path, std::size_t max_bytes,
                                    std::string_view what);

// Replaces the file at `path` with `text` through an AtomicFile in its folder (temp, fsync,
// rename, directory fsync), with `mode`. Durable when it returns.
Status replace_small_file(const std::filesystem::path& path, std::string_view text, mode_t mode);

}  // namespace netdisk::storage
