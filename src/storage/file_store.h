// FileStore: one user's confined folder, as the TCP and HTTP servers see it. Every path is a
// client path checked by split_user_path() and opened with open_beneath() from the folder's
// descriptor, so nothing outside the folder, and no symlink anywhere, is ever reached. Only
// regular files and folders are visible; NetDisk's own partial and temp files never are.
// Thread-safe: it holds only a descriptor, so concurrent calls are fine. Every call blocks on
// the disk: run them on the blocking pool. Cheap to open per request or per connection.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "storage/dir_entry.h"
#include "storage/retention.h"
#include "storage/target_check.h"
#include "storage/unique_fd.h"
#include "storage/upload.h"

namespace netdisk::storage {

struct DownloadFile {
  UniqueFd fd;  // read-only; keeps reading this version even if the file is replaced
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::string version;  // version_tag() of the opened file
};

// Every call below refuses a bad path with invalid_path (see split_user_path()), including a
// path that crosses a symlink or names a FIFO, socket or device. A missing folder on the way is
// not_found, a file where a folder was expected not_a_directory. Other system errors map
// through error_from_errno(): permission_denied, disk_full, io_error.
class FileStore {
 public:
  // Opens the existing folder `user_root` (O_PATH, not following a symlink). not_found if it
  // does not exist; not_a_directory if it is not a folder; invalid_path if it is a symlink.
  // The messages never name `user_root` (they reach clients).
  static Result<FileStore> open(const std::filesystem::path& user_root);

  // The entries of folder `dir_path` ("" for the user's folder), sorted by name in byte order.
  // Hidden: partial/temp files, symlinks and other non-regular files, and names the client
  // could not address (invalid UTF-8 and the like). not_a_directory if it is a file.
  Result<std::vector<DirEntry>> list(std::string_view dir_path) const;

  // One page of list(): the first `limit` entries whose names sort after `after_name` ("" for
  // the first page). Still reads the whole folder's names, but stats only the page's entries.
  Result<std::vector<DirEntry>> list(std::string_view dir_path, std::string_view after_name,
                                     std::size_t limit) const;

  // What list() would say about `path` ("" is the user's folder itself, with an empty name).
  Result<DirEntry> stat(std::string_view path) const;

  // The state a TargetCheck would see at `path` now (exists = false when nothing is there),
  // for an early check before a long upload; the binding check happens at commit.
  // not_found only when a folder on the way is missing.
  Result<TargetState> target_state(std::string_view path) const;

  // Creates folder `path`. Without `parents`: already_exists if anything is there, not_found if
  // its parent is missing. With `parents`: creates the missing folders on the way, and an
  // existing folder is fine (not_a_directory if a file is in the way).
  Status make_directory(std::string_view path, bool parents);

  // Removes a file or an empty folder. not_found; not_empty for a folder that holds anything
  // (a folder holding only idle partial uploads counts as empty; those are removed with it).
  // With `check`, it runs on the entry's state under a NameLock held through the unlink (see
  // TargetCheck); its error is returned and nothing is removed.
  Status remove(std::string_view path, const TargetCheck& check = {});

  // Moves `from` to `to` inside the folder. not_found if `from` or the parent of `to` is
  // missing; already_exists if `to` exists and not `replace`; invalid_path for moving a
  // folder into itself. With `replace`, a file replaces a file atomically and a folder an
  // empty folder (not_empty otherwise; is_a_directory / not_a_directory when the kinds
  // differ). Under a NameLock on both names. Both directories are fsynced.
  Status rename(std::string_view from, std::string_view to, bool replace = false);

  // Removes `path` and everything under it, partial uploads included, never following a
  // symlink (tree_ops.h). invalid_path for the user's folder itself; not_found. Not atomic.
  Status remove_tree(std::string_view path);

  // Copies the file or folder `from` to `to` (tree_ops.h), with rename()'s rules for `to`.
  Status copy(std::string_view from, std::string_view to, bool replace);

  // Opens a file for reading. is_a_directory for a folder.
  Result<DownloadFile> open_for_download(std::string_view path) const;
  // The same from the kernel's caches alone (open_regular_cached()): nullopt when resolving
  // the path would have to read the disk.
  std::optional<Result<DownloadFile>> open_for_download_cached(std::string_view path) const;

  // XXH3-128 of the whole file, 32 lowercase hex digits, cached in an xattr (see
  // whole_file_checksum(); storing it leaves the version tag as it is).
  Result<std::string> file_checksum(std::string_view path) const;

  // Dead properties (property_xattr.h) of the file or folder at `path` ("" the folder
  // itself), in their serialised form: "" when it has none. not_found, invalid_path.
  Result<std::string> read_properties(std::string_view path) const;
  // Under the NameLock of `path`'s name (which an upload's commit takes to carry properties
  // onto the new file), hands the current serialised set to `update` and stores what it
  // returns ("" for none), fsynced. An error from `update` is returned and nothing changes.
  using PropertyUpdate = std::function<Result<std::string>(std::string_view current)>;
  Status update_properties(std::string_view path, const PropertyUpdate& update);

  // Starts or resumes an upload to `path` (see Upload::begin()). not_found if the parent
  // folder is missing; is_a_directory if `path` is a folder; bad_request for a malformed hash.
  Result<Upload> begin_upload(std::string_view path, std::uint64_t size,
                              std::optional<std::string> content_hash);
  // The same for an upload of unknown size, at most `limit` bytes (Upload::begin_unsized()).
  Result<Upload> begin_unsized_upload(std::string_view path, std::uint64_t limit);

  // Removes partial uploads and temp files older than `max_age` that no Upload holds, in the
  // whole tree under `root` (the data folder's home/), never following symlinks. Returns how
  // many were removed. Meant to run periodically on the blocking pool.
  // `freed_bytes`, when given, grows by the bytes removed.
  static Result<std::size_t> sweep_partial_uploads(const std::filesystem::path& root,
                                                   std::chrono::seconds max_age,
                                                   std::uint64_t* freed_bytes = nullptr);

  // Every byte at or under `path` ("" for the whole folder), reserved entries included
  // (storage/stored_bytes.h). invalid_path, not_found.
  Result<std::uint64_t> stored_bytes(std::string_view path) const;

  // The trash (file_store_trash.cc): <root>/.netdisk-trash/<id>/{info,item}. `info` (written
  // first, atomically) holds the original path, kind, size and removal time; `item` is the
  // removed file or folder, renamed there under the name's NameLock. An entry without `item`
  // (a crash between the two steps) is not listed and goes at the next purge. Errors and
  // semantics as UserSpace's calls of the same names.
  Result<TrashEntry> move_to_trash(std::string_view path, const TargetCheck& check,
                                   std::int64_t now_ns);
  Result<std::vector<TrashEntry>> list_trash() const;
  Result<std::string> restore_from_trash(std::string_view id, std::optional<std::string> to);
  Result<Freed> delete_from_trash(std::optional<std::string> id);
  Result<Freed> purge_trash(std::int64_t cutoff_ns);

  // Versions (file_store_versions.cc): <root>/.netdisk-versions/<key>/<id>, where <key> is the
  // XXH3-128 of the client path and <id> the replacement time in nanoseconds (20 digits, so
  // names sort by age). A version is the replaced inode itself, hard-linked there by
  // keep_version() under the name's NameLock before the new file is renamed over the name.
  Result<std::vector<VersionEntry>> list_versions(std::string_view path) const;
  // Keeps the regular file `name` of `dirfd` (client path `path`) as a version dated `now_ns`.
  // The caller holds the NameLock of the name. Nothing there: nothing kept.
  Status keep_version(int dirfd, const std::string& name, std::string_view path,
                      std::int64_t now_ns) const;
  Result<std::string> restore_version(std::string_view path, std::string_view id,
                                      std::int64_t now_ns);
  // Keeps the newest `keep` versions of `path` (all paths when empty) and none older than
  // `cutoff_ns`.
  Result<Freed> prune_versions(std::optional<std::string_view> path, std::size_t keep,
                               std::int64_t cutoff_ns);
  Result<Freed> drop_oldest_versions(std::uint64_t bytes);

 private:
  explicit FileStore(UniqueFd root) : root_(std::move(root)) {}

  // The parent folder of `components` opened for reading, and the last component.
  struct Parent {
    UniqueFd dir;
    std::string name;
  };
  Result<Parent> open_parent(const std::vector<std::string>& components) const;
  // open_parent() for an upload to `path`: is_a_directory, or not servable, if a folder or a
  // special file is at the name.
  Result<Parent> open_upload_parent(std::string_view path) const;
  Status make_directories(const std::vector<std::string>& components);
  // The parents of `from` and `to` for a move or copy; invalid_path for a folder into itself.
  struct Pair;
  Result<Pair> open_pair(std::string_view from, std::string_view to) const;
  // The reserved folder `name` at the top of the space, made if `create` and missing.
  Result<UniqueFd> open_reserved(std::string_view name, bool create) const;

  UniqueFd root_;  // O_PATH | O_DIRECTORY
};

}  // namespace netdisk::storage
