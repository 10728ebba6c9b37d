// Upload: one file being received into a user's folder, resumable and published atomically.
// The bytes go to a hidden partial file beside the target (naming in partial_uploads.h);
// commit() checks the size and checksum, fsyncs and renames it over the target, so readers see
// the complete old or the complete new file, never a mix. While an Upload lives it holds an
// exclusive flock(2) on its partial file. One owner (move-only); blocking calls.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>

#include "common/result.h"
#include "storage/checksum.h"
#include "storage/target_check.h"
#include "storage/unique_fd.h"

namespace netdisk::storage {

class Upload {
 public:
  // Starts, or resumes, receiving `size` bytes for `target_name` (one validated name) in the
  // directory `dir`. With `content_hash` (XXH3-128 of the whole file, kChecksumHexDigits
  // lowercase hex) the partial file is found again by a later begin() with the same triple and
  // offset() says how much it already holds (those bytes are read once, to carry on the running
  // checksum); without, the upload starts at 0 and is not kept.
  // Errors: bad_request for a malformed hash (upper case is accepted) or a size over 2^63-1;
  // server_busy if another Upload holds the same partial file; disk_full if the
  // filesystem has less free space than the bytes still to come (the partial file is then
  // removed); invalid_path if a non-regular file is in the partial's place; io_error.
  static Result<Upload> begin(UniqueFd dir, std::string target_name, std::uint64_t size,
                              std::optional<std::string> content_hash);

  // Starts an upload of unknown size (an HTTP body in chunked framing) that takes at most
  // `limit` bytes (capped at 2^63-1): a fresh partial file, never resumable, no free-space
  // check up front (a write that meets ENOSPC fails with disk_full and removes the partial),
  // and commit() publishes however many bytes were written. Errors as begin().
  static Result<Upload> begin_unsized(UniqueFd dir, std::string target_name, std::uint64_t limit);

  Upload(Upload&&) noexcept;
  Upload& operator=(Upload&&) noexcept;
  ~Upload();

  // The partial file, opened read-write and positioned at offset(), for write(2) or splice(2)
  // by the caller (who then calls advance()). -1 once committed or discarded.
  int fd() const noexcept { return file_.get(); }
  std::uint64_t offset() const noexcept { return offset_; }
  std::uint64_t size() const noexcept { return size_; }
  bool resumable() const noexcept { return expected_hash_.has_value(); }
  bool size_known() const noexcept { return size_known_; }
  const std::string& partial_name() const noexcept { return partial_name_; }
  // After a successful commit(): the published file's version_tag() and checksum, read from
  // the very inode that was renamed into place (no second lookup of the name can race).
  const std::string& published_version() const noexcept { return published_version_; }
  const std::string& published_checksum() const noexcept { return published_checksum_; }
  // After a successful commit(): the bytes of the file it replaced for good (no version keeps
  // it, and no other name links it); 0 when it replaced nothing. What a quota gives back.
  std::uint64_t replaced_bytes() const noexcept { return replaced_bytes_; }

  // Appends `bytes`. size_mismatch (nothing written) if they would go past size(). A failed
  // write (disk_full for ENOSPC/EDQUOT, io_error) removes the partial file, resumable or not,
  // and closes the upload; the old target is untouched.
  Status write(std::span<const std::byte> bytes);

  // Records that the caller wrote `n` more bytes to fd() itself. They are read back (from the
  // page cache) into the running checksum. Going past size() is reported by commit().
  void advance(std::uint64_t n);

  // Publishes the file: size_mismatch unless exactly size() bytes are held (a short upload
  // stays resumable; an overlong one is removed; an unsized upload publishes what it holds);
  // checksum_mismatch if a content_hash was given and differs (the partial file is removed); then
  // fsync, store the checksum xattr, rename over the target (replacing a file; is_a_directory if it
  // is a folder), fsync the directory. Never renames after a failed fsync. internal_error if
  // already closed. With `check`, the target's current state is read and checked under a NameLock
  // held across the rename, so no other NetDisk change to the name comes in between; a failed check
  // returns its error and publishes nothing (a resumable partial file stays). When the check
  // saw no target, the rename refuses to replace one that appeared meanwhile
  // (precondition_failed).
  Status commit(const TargetCheck& check = {});

  // Called by commit() under the target's NameLock, after the check and before the rename,
  // with (directory, target name), when a regular file is at the name: keeps it as a version
  // (FileStore::keep_version). Its error fails the commit and publishes nothing.
  using KeepPrevious = std::function<Status(int dirfd, const std::string& name)>;
  void keep_previous_with(KeepPrevious keep) { keep_previous_ = std::move(keep); }

  // Gives up: removes the partial file even if resumable, and closes the upload. The server
  // calls this when its own write or splice into fd() fails.
  void discard() noexcept;

 private:
  Upload(UniqueFd dir, UniqueFd file, std::string partial_name, std::string target_name,
         std::uint64_t size, std::uint64_t offset, std::optional<std::string> expected_hash,
         Xxh3Hasher hasher);
  void close() noexcept;
  Status publish(const TargetCheck& check);

  UniqueFd dir_;
  UniqueFd file_;
  std::string partial_name_;
  std::string target_name_;
  std::uint64_t size_ = 0;
  std::uint64_t offset_ = 0;
  std::optional<std::string> expected_hash_;
  Xxh3Hasher hasher_;              // checksum of bytes [0, offset_)
  std::optional<Error> deferred_;  // a failure inside advance(), reported by commit()
  bool size_known_ = true;         // false: size_ is only a limit (begin_unsized())
  bool committed_ = false;
  std::string published_version_;
  std::string published_checksum_;
  KeepPrevious keep_previous_;
  std::uint64_t replaced_bytes_ = 0;
};

}  // namespace netdisk::storage
