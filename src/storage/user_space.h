// The storage interface: what the server may do with one user's files, whatever keeps them.
//
//   Backend      opens the space of a user, and sweeps idle partial uploads.
//   UserSpace    one user's tree of folders and files: list, stat, mkdir, remove, rename,
//                copy, open for reading, checksums, uploads, dead properties.
//   OpenFile     one version of a file opened for reading: size, an opaque version tag,
//                read_at(), checksums of that version; optionally a native descriptor.
//   UploadSink   one upload being received: durable partial bytes, published atomically.
//
// Implementations: storage/local_space.h (production: a folder per user on a local file
// system, openat2 confinement, temp + fsync + rename, locked partials, stored checksums) and
// storage/memory_space.h (in memory, for tests: injects faults such as ENOSPC, EIO, short
// writes and a crash between two steps of a commit). Both pass one conformance suite
// (tests/storage/user_space_conformance_test.cc); a new backend (an object store) is one more
// implementation run through that suite.
//
// Rules every implementation keeps:
//  - Paths are client paths ("a/b.txt", "" is the space itself); each call checks them and
//    refuses a bad one with bad_name. Nothing outside the space is ever reached.
//  - Versions are opaque strings: equal means "the same content", nothing else may be assumed.
//  - A name is replaced atomically: a reader sees the whole old or the whole new file, and a
//    crash at any step leaves one of them. What a call reported as done is durable.
//  - Every call may block on a disk or a network: the server runs them on its blocking pool
//    (except open_read_cached(), which answers only when it need not wait).
//    A UserSpace is thread-safe; an OpenFile and an UploadSink have one user at a time.
//  - Errors are StorageErrors (storage/storage_error.h) whose messages name no server path.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "storage/dead_properties.h"
#include "storage/dir_entry.h"
#include "storage/retention.h"
#include "storage/storage_error.h"
#include "storage/target_check.h"

namespace netdisk::storage {

// One version of a file, opened for reading. It keeps reading that version even if the name
// is replaced or removed meanwhile.
class OpenFile {
 public:
  virtual ~OpenFile() = default;
  virtual std::uint64_t size() const = 0;
  virtual std::int64_t mtime_ns() const = 0;
  virtual const std::string& version() const = 0;

  // Reads up to into.size() bytes at `offset`; fewer only at the end of the file (0 at or
  // past it). io_error on a failed read.
  virtual StorageResult<std::size_t> read_at(std::uint64_t offset, std::span<std::byte> into) = 0;

  // XXH3-128 (32 lowercase hex digits) of the first `length` bytes, for resume checks.
  // out_of_range if `length` is over size().
  virtual StorageResult<std::string> prefix_checksum(std::uint64_t length) = 0;
  // The whole file's checksum if the backend has it stored for this version; never computes.
  virtual std::optional<std::string> stored_checksum() = 0;

  // A descriptor the server may hand to sendfile(2) or pread(2), or -1. Only an optimisation:
  // everything works through read_at(). Valid while this OpenFile lives.
  virtual int native_fd() const { return -1; }
};

// The largest upload any backend takes (off_t's range); the limit for an unsized upload when
// the server sets none lower.
inline constexpr std::uint64_t kMaxUploadBytes = (std::uint64_t{1} << 63) - 1;

// What a committed upload published.
struct Published {
  std::string version;
  std::optional<std::string> checksum;  // XXH3-128 of the new content, when known
  // What the commit deleted for good: old versions dropped (Retention's count and age), and
  // the replaced file itself when no version keeps it (versions_kept 0).
  Freed freed;
};

// One upload being received. The bytes are kept durable enough to resume (a partial that a
// later begin_upload() with the same name, size and checksum finds again); nothing is visible
// at the name until commit(). An upload begun with begin_unsized_upload() has no announced
// size: size() is then only its limit, and commit() publishes however many bytes it holds.
class UploadSink {
 public:
  virtual ~UploadSink() = default;  // a live sink that is dropped keeps a resumable partial
  virtual std::uint64_t size() const = 0;    // the announced size (unsized: the limit)
  virtual std::uint64_t offset() const = 0;  // the bytes held so far
  virtual bool resumable() const = 0;        // begun with a content checksum
  virtual bool size_known() const = 0;       // false for begin_unsized_upload()'s

  // Appends `bytes`. size_mismatch (nothing written) past size(). A failed write (no_space,
  // io_error) removes the partial, resumable or not, and ends the upload; the old file at
  // the name is untouched.
  virtual StorageStatus write(std::span<const std::byte> bytes) = 0;

  // Publishes the file atomically: size_mismatch unless exactly size() bytes are held (a
  // short upload stays resumable; an unsized upload publishes what it holds, 0 bytes too);
  // checksum_mismatch if a content checksum was given and differs (the partial is removed); with
  // `check`, the current state of the name is checked at the very step that replaces it, under the
  // backend's lock for that name (condition_failed publishes nothing; a resumable partial stays);
  // is_a_directory if a folder is at the name. Once it returns, the new file is durable.
  virtual StorageResult<Published> commit(const TargetCheck& check = {}) = 0;

  // Gives up: removes the partial even if resumable.
  virtual void discard() noexcept = 0;
};

class UserSpace {
 public:
  virtual ~UserSpace() = default;

  // One page of the folder `dir` ("" for the space itself): at most `limit` entries whose
  // names sort after `after` ("" for the first page), sorted by name in byte order. Only
  // files and folders a client can address are listed; partials never are. not_found,
  // not_a_directory.
  virtual StorageResult<std::vector<DirEntry>> list(std::string_view dir, std::string_view after,
                                                    std::size_t limit) const = 0;

  // What list() says about `path` ("" is the space itself, with an empty name).
  virtual StorageResult<DirEntry> stat(std::string_view path) const = 0;

  // The state a TargetCheck would see at `path` now (exists = false when nothing is there),
  // for an early check; the binding check is at the change. not_found only when a folder on
  // the way is missing.
  virtual StorageResult<TargetState> target_state(std::string_view path) const = 0;

  // Creates folder `path`. Without `parents`: exists if anything is there, not_found if its
  // parent is missing. With `parents`: creates missing folders on the way; an existing
  // folder is fine (not_a_directory if a file is in the way).
  virtual StorageStatus make_directory(std::string_view path, bool parents) = 0;

  // Removes a file or an empty folder (a folder holding only idle partials counts as empty).
  // not_found, not_empty; with `check`, condition_failed as for UploadSink::commit().
  virtual StorageStatus remove(std::string_view path, const TargetCheck& check = {}) = 0;

  // Removes `path` and, for a folder, everything under it. not_found. The space itself ("")
  // cannot be removed (bad_name). Not atomic: a failure midway leaves what it did not reach.
  virtual StorageStatus remove_tree(std::string_view path) = 0;

  enum class Replace { no, yes };
  // Moves `from` to `to`. not_found if `from` or the parent of `to` is missing; exists if
  // `to` exists and `replace` is no; with yes, a file replaces a file atomically and a folder
  // replaces an empty folder (not_empty otherwise; is_a_directory / not_a_directory when the
  // kinds differ); bad_name for moving a folder into itself. Durable when it returns.
  virtual StorageStatus rename(std::string_view from, std::string_view to, Replace replace) = 0;

  // Copies the file or folder tree `from` to `to`, with the same rules for `to` as rename()
  // (a copied file is published atomically; a folder tree is copied entry by entry).
  virtual StorageStatus copy(std::string_view from, std::string_view to, Replace replace) = 0;

  // Opens the current version of a file. is_a_directory for a folder, not_found.
  virtual StorageResult<std::unique_ptr<OpenFile>> open_read(std::string_view path) const = 0;

  // open_read() when the backend can answer without waiting on a disk or a network (a local
  // path that the kernel resolves from its caches); nullopt when it cannot be sure of that.
  // The one call here a server may make on an I/O thread: it tries this first and falls back
  // to open_read() on its blocking pool. By default never sure.
  virtual std::optional<StorageResult<std::unique_ptr<OpenFile>>> open_read_cached(
      std::string_view /*path*/) const {
    return std::nullopt;
  }

  // The whole file's XXH3-128, with the version and size it belongs to. May compute it
  // (reading the whole file) and store it for next time.
  struct Checksum {
    std::string checksum;
    std::string version;
    std::uint64_t size = 0;
  };
  virtual StorageResult<Checksum> checksum(std::string_view path) = 0;

  // The dead properties (dead_properties.h) of the file or folder at `path` ("" is the space
  // itself). They belong to it: rename() moves them, copy() copies them (a whole tree's),
  // remove() and remove_tree() end them, and an upload that replaces a file keeps the old
  // file's (RFC 4918: PUT does not otherwise affect properties). not_found.
  virtual StorageResult<DeadProperties> properties(std::string_view path) const = 0;

  // Applies `changes` in order, all or nothing: no_space when the result is over
  // kMaxPropertyBytes or kMaxPropertyCount, and then nothing changed. Durable when it
  // returns. Leaves the content and its version as they are. not_found.
  virtual StorageStatus patch_properties(std::string_view path,
                                         std::span<const PropertyChange> changes) = 0;

  // Starts, or resumes, an upload of `size` bytes to `path`. With `content_checksum` the
  // upload is resumable: a partial left by an earlier upload of the same name, size and
  // checksum is found again and offset() says how much it holds. not_found if the parent
  // folder is missing; is_a_directory if a folder is at `path`; bad_argument for a malformed
  // checksum; busy if another live sink holds the same partial; no_space if the backend
  // cannot hold the bytes still to come.
  virtual StorageResult<std::unique_ptr<UploadSink>> begin_upload(
      std::string_view path, std::uint64_t size, std::optional<std::string> content_checksum) = 0;

  // Starts an upload whose size is not known up front (an HTTP body in chunked framing). It
  // takes at most `limit` bytes (a write past it is size_mismatch, nothing written), is never
  // resumable (nothing names its content up front, so a broken one cannot be found again),
  // and commit() publishes the bytes it holds. Free space cannot be checked up front: a write
  // that finds the backend full fails with no_space and removes the partial, as for a sized
  // upload. Errors otherwise as begin_upload().
  virtual StorageResult<std::unique_ptr<UploadSink>> begin_unsized_upload(std::string_view path,
                                                                          std::uint64_t limit) = 0;

  // Every byte stored at or under `path` ("" is the whole space), the entries no client can
  // see included: partial uploads, temp files, and what the server keeps under reserved names
  // (a trash, old versions). What a quota counts (server/quota/). Walks the tree: never per
  // upload, only to reconcile and to measure what a remove or copy frees or adds. not_found.
  virtual StorageResult<std::uint64_t> stored_bytes(std::string_view path) const = 0;
  // ---- The trash (retention.h). Entries are dated by the backend's Retention clock. ----

  // Moves the file or folder `path` (with everything under it) into the trash: a rename, so
  // a crash leaves it at its name or in the trash, never nowhere. With `check`, as remove().
  // not_found; bad_name for the space itself.
  virtual StorageResult<TrashEntry> move_to_trash(std::string_view path,
                                                  const TargetCheck& check = {}) = 0;
  // Every entry, newest first.
  virtual StorageResult<std::vector<TrashEntry>> list_trash() const = 0;
  // Puts entry `id` back at its original path, or at `to`; folders missing on the way are
  // made. Never overwrites: exists if something is at the name. not_found for no such entry.
  // Returns the path it is at now.
  virtual StorageResult<std::string> restore_from_trash(std::string_view id,
                                                        std::optional<std::string> to) = 0;
  // Deletes entry `id` for good (not_found if there is none), or every entry (nullopt).
  virtual StorageResult<Freed> delete_from_trash(std::optional<std::string> id) = 0;
  // Deletes for good the entries removed before `cutoff`.
  virtual StorageResult<Freed> purge_trash(std::chrono::system_clock::time_point cutoff) = 0;

  // ---- Versions: an upload that replaces a file keeps the old content (Retention). ----

  // The kept versions of the file at `path`, newest first (none: an empty list). A version
  // belongs to the path: a renamed file starts a history of its own.
  virtual StorageResult<std::vector<VersionEntry>> list_versions(std::string_view path) const = 0;
  // Makes version `id` of `path` the current content, atomically; the content it replaces is
  // kept as a version in turn. not_found for no such version; is_a_directory if a folder is
  // at `path` now.
  virtual StorageResult<Published> restore_version(std::string_view path, std::string_view id) = 0;
  // Drops versions beyond the newest `keep` of each file and those replaced before `cutoff`.
  virtual StorageResult<Freed> prune_versions(std::size_t keep,
                                              std::chrono::system_clock::time_point cutoff) = 0;
  // Drops the space's oldest versions, whatever their file, until at least `bytes` are freed
  // or none is left (for a quota that may make room that way).
  virtual StorageResult<Freed> drop_oldest_versions(std::uint64_t bytes) = 0;
};

class Backend {
 public:
  virtual ~Backend() = default;

  // The space of an existing user (the name is already validated). not_found when the user
  // has no space (the accounts layer creates it at registration).
  virtual StorageResult<std::shared_ptr<UserSpace>> open_space(std::string_view username) = 0;

  // Told how many bytes a sweep freed in one user's space (a quota's running total drops).
  using SweepFreed = std::function<void(std::string_view username, std::uint64_t bytes)>;
  // Removes partial uploads older than `max_age` that no live sink holds, in every space,
  // calling `freed` (when set) once for each space where it removed any. Returns how many were
  // removed.
  virtual StorageResult<std::size_t> sweep_partial_uploads(std::chrono::seconds max_age,
                                                           const SweepFreed& freed = {}) = 0;

  // How versions are kept, and the clock of trash and versions; set once, before the first
  // open_space().
  virtual void set_retention(Retention retention) = 0;

  // What one user's purge gave back.
  struct UserFreed {
    std::string username;
    Freed freed;
  };
  // In every space: deletes trash entries older than `trash_max_age` and versions older than
  // the Retention's version_max_age (and beyond versions_kept), by the Retention clock.
  virtual StorageResult<std::vector<UserFreed>> purge_expired(
      std::chrono::seconds trash_max_age) = 0;
};

}  // namespace netdisk::storage
