#include "storage/upload.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <limits>
#include <thread>

#include <fmt/format.h>

#include "storage/atomic_file.h"
#include "storage/confined_open.h"
#include "storage/errc_bridge.h"
#include "storage/name_lock.h"
#include "storage/partial_uploads.h"
#include "storage/property_xattr.h"

namespace netdisk::storage {
namespace {

// Cleaners (sweep, rm of a folder) hold a partial's lock for a few microseconds; an Upload holds
// it for as long as it lives. A short wait tells the two apart.
constexpr int kLockAttempts = 20;
constexpr auto kLockPause = std::chrono::milliseconds(2);

Status lock_exclusive(int fd) {
  for (int attempt = 0; attempt < kLockAttempts; ++attempt) {
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return {};
    if (errno == EINTR) continue;
    if (errno != EWOULDBLOCK) return error_from_errno(errno, "lock partial upload");
    std::this_thread::sleep_for(kLockPause);
  }
  return make_error(Errc::server_busy, "an upload of this file is already in progress");
}

// Opens (creating if needed) the partial file `name` in `dirfd` and locks it. After locking,
// the name must still lead to the locked file: a cleaner may have removed it meanwhile, and
// writing into an unlinked file would lose the upload.
Result<UniqueFd> open_locked_partial(int dirfd, const std::string& name, bool exclusive) {
  int flags = O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | (exclusive ? O_EXCL : 0);
  for (int attempt = 0; attempt < 8; ++attempt) {
    auto file = open_beneath(dirfd, name, flags, 0644);
    if (!file) return std::move(file).error();
    struct ::stat st {};
    if (::fstat(file->get(), &st) != 0) return error_from_errno(errno, "stat partial upload");
    if (!S_ISREG(st.st_mode)) {
      return make_error(Errc::invalid_path, "a partial upload is not a regular file");
    }
    if (auto locked = lock_exclusive(file->get()); !locked) return std::move(locked).error();
    auto current = stat_entry(dirfd, name);
    if (current && current->st_dev == st.st_dev && current->st_ino == st.st_ino) {
      int status = ::fcntl(file->get(), F_GETFL);
      if (status >= 0) ::fcntl(file->get(), F_SETFL, status & ~O_NONBLOCK);
      return file;
    }
    if (!current && current.error().code != Errc::not_found) return std::move(current).error();
  }
  return make_error(Errc::io_error, "partial upload keeps disappearing");
}

Status check_free_space(int fd, std::uint64_t needed) {
  struct ::statvfs vfs {};
  if (::fstatvfs(fd, &vfs) != 0) return {};  // unknown: let the writes find out
  std::uint64_t available = static_cast<std::uint64_t>(vfs.f_bavail) * vfs.f_frsize;
  if (needed <= available) return {};
  return make_error(Errc::disk_full, fmt::format("disk full: {} bytes to receive, {} bytes free",
                                                 needed, available));
}

// The bytes the rename over `name` frees: those of a regular file there that no other name
// links (a hard link elsewhere keeps them).
std::uint64_t bytes_freed_by_replacing(int dirfd, const std::string& name) {
  struct ::stat st {};
  if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return 0;
  if (!S_ISREG(st.st_mode) || st.st_nlink != 1) return 0;
  return static_cast<std::uint64_t>(st.st_size);
}

}  // namespace

Result<Upload> Upload::begin(UniqueFd dir, std::string target_name, std::uint64_t size,
                             std::optional<std::string> content_hash) {
  if (size > static_cast<std::uint64_t>(std::numeric_limits<off_t>::max())) {
    return make_error(Errc::bad_request, "upload size is too large");
  }
  if (content_hash) {
    for (char& c : *content_hash) c = (c >= 'A' && c <= 'F') ? static_cast<char>(c - 'A' + 'a') : c;
    if (!is_checksum_hex(*content_hash)) {
      return make_error(Errc::bad_request, "the content hash must be 32 hex digits (XXH3-128)");
    }
  }
  std::string partial_name = content_hash ? resumable_partial_name(target_name, size, *content_hash)
                                          : random_partial_name();
  auto file = open_locked_partial(dir.get(), partial_name, !content_hash);
  if (!file) return std::move(file).error();
  struct ::stat st {};
  if (::fstat(file->get(), &st) != 0) return error_from_errno(errno, "stat partial upload");
  auto offset = static_cast<std::uint64_t>(st.st_size);
  Upload upload(std::move(dir), std::move(*file), std::move(partial_name), std::move(target_name),
                size, 0, std::move(content_hash), Xxh3Hasher());
  if (offset > size && ::ftruncate(upload.fd(), 0) != 0) {  // not ours to resume: start over
    return error_from_errno(errno, "truncate partial upload");
  }
  if (offset > size) offset = 0;
  // Expiry counts from the last activity on the upload.
  if (::futimens(upload.fd(), nullptr) != 0) return error_from_errno(errno, "touch partial");
  if (auto space = check_free_space(upload.fd(), size - offset); !space) {
    upload.discard();
    return std::move(space).error();
  }
  if (::lseek(upload.fd(), static_cast<off_t>(offset), SEEK_SET) < 0) {
    return error_from_errno(errno, "seek partial upload");
  }
  if (auto hashed = hash_range(upload.fd(), 0, offset, upload.hasher_); !hashed) {
    return std::move(hashed).error();
  }
  upload.offset_ = offset;
  return upload;
}

Result<Upload> Upload::begin_unsized(UniqueFd dir, std::string target_name, std::uint64_t limit) {
  limit = std::min(limit, static_cast<std::uint64_t>(std::numeric_limits<off_t>::max()));
  std::string partial_name = random_partial_name();
  auto file = open_locked_partial(dir.get(), partial_name, true);
  if (!file) return std::move(file).error();
  Upload upload(std::move(dir), std::move(*file), std::move(partial_name), std::move(target_name),
                limit, 0, std::nullopt, Xxh3Hasher());
  upload.size_known_ = false;
  return upload;
}

Upload::Upload(UniqueFd dir, UniqueFd file, std::string partial_name, std::string target_name,
               std::uint64_t size, std::uint64_t offset, std::optional<std::string> expected_hash,
               Xxh3Hasher hasher)
    : dir_(std::move(dir)),
      file_(std::move(file)),
      partial_name_(std::move(partial_name)),
      target_name_(std::move(target_name)),
      size_(size),
      offset_(offset),
      expected_hash_(std::move(expected_hash)),
      hasher_(std::move(hasher)) {}

Upload::Upload(Upload&&) noexcept = default;

Upload& Upload::operator=(Upload&& other) noexcept {
  if (this != &other) {
    close();
    dir_ = std::move(other.dir_);
    file_ = std::move(other.file_);
    partial_name_ = std::move(other.partial_name_);
    target_name_ = std::move(other.target_name_);
    size_ = other.size_;
    offset_ = other.offset_;
    expected_hash_ = std::move(other.expected_hash_);
    hasher_ = std::move(other.hasher_);
    deferred_ = std::move(other.deferred_);
    size_known_ = other.size_known_;
    committed_ = other.committed_;
    published_version_ = std::move(other.published_version_);
    published_checksum_ = std::move(other.published_checksum_);
    keep_previous_ = std::move(other.keep_previous_);
    replaced_bytes_ = other.replaced_bytes_;
  }
  return *this;
}

Upload::~Upload() { close(); }

void Upload::close() noexcept {
  // A resumable partial file stays for a later begin(); any other is junk. Unlink before the
  // descriptor (and with it the lock) goes, so nobody else can pick the file up meanwhile.
  if (file_ && !committed_ && !resumable()) ::unlinkat(dir_.get(), partial_name_.c_str(), 0);
  file_.reset();
  dir_.reset();
}

void Upload::discard() noexcept {
  if (file_ && !committed_) ::unlinkat(dir_.get(), partial_name_.c_str(), 0);
  file_.reset();
  dir_.reset();
}

Status Upload::write(std::span<const std::byte> bytes) {
  if (!file_) return make_error(Errc::internal_error, "write to a closed upload");
  if (bytes.size() > size_ - offset_) {
    return make_error(Errc::size_mismatch,
                      fmt::format("the upload would exceed its {} of {} bytes",
                                  size_known_ ? "declared size" : "limit", size_));
  }
  if (auto written = write_all(file_.get(), bytes); !written) {
    discard();  // never leave junk behind, least of all on a full disk
    return written;
  }
  hasher_.update(bytes);
  offset_ += bytes.size();
  return {};
}

void Upload::advance(std::uint64_t n) {
  if (!file_ || deferred_) return;
  if (n > size_ - offset_) {
    deferred_ = make_error(Errc::size_mismatch,
                           fmt::format("received more than the declared {} bytes", size_));
    return;
  }
  if (auto hashed = hash_range(file_.get(), offset_, n, hasher_); !hashed) {
    deferred_ = std::move(hashed).error();
    return;
  }
  offset_ += n;
}

// The rename over the target, after `check` (if any) passed on the target's current state.
// Unconditional uploads take the NameLock too, so none lands between another's check and
// rename.
Status Upload::publish(const TargetCheck& check) {
  NameLock lock(dir_.get(), target_name_);
  unsigned flags = 0;
  if (check) {
    auto state = target_state(dir_.get(), target_name_);
    if (!state) return std::move(state).error();
    if (auto allowed = check(*state); !allowed) return errc_error_of(allowed.error());
    // Expected absent: another process creating the name meanwhile must not be overwritten.
    if (!state->exists) flags = RENAME_NOREPLACE;
  }
  // The old content stays reachable (linked among the versions, fsynced) before the rename
  // takes the name from it: a crash between the two leaves it at both places.
  if (keep_previous_) {
    if (auto kept = keep_previous_(dir_.get(), target_name_); !kept) return kept;
  }
  std::uint64_t replaced = keep_previous_ ? 0 : bytes_freed_by_replacing(dir_.get(), target_name_);
  // Dead properties belong to the name's resource, not to one content: the new inode takes
  // the old one's before it replaces it, under the lock a PROPPATCH of the name takes too.
  if (auto carried = carry_property_xattr(dir_.get(), target_name_, file_.get()); !carried) {
    return carried;
  }
  if (::renameat2(dir_.get(), partial_name_.c_str(), dir_.get(), target_name_.c_str(), flags) ==
      0) {
    replaced_bytes_ = replaced;
    return {};
  }
  if (errno == EEXIST && flags == RENAME_NOREPLACE) {
    return make_error(Errc::precondition_failed,
                      fmt::format("'{}' was created meanwhile", target_name_));
  }
  return error_from_errno(errno, fmt::format("replace '{}'", target_name_));
}

Status Upload::commit(const TargetCheck& check) {
  if (!file_) return make_error(Errc::internal_error, "commit of a closed upload");
  if (deferred_) {
    Error error = std::move(*deferred_);
    discard();
    return error;
  }
  if (!size_known_) size_ = offset_;  // what arrived is the file
  if (offset_ != size_) {
    return make_error(Errc::size_mismatch, fmt::format("received {} of {} bytes", offset_, size_));
  }
  struct ::stat st {};
  if (::fstat(file_.get(), &st) != 0) return error_from_errno(errno, "stat partial upload");
  if (static_cast<std::uint64_t>(st.st_size) != size_) {
    discard();
    return make_error(Errc::size_mismatch,
                      fmt::format("the upload holds {} bytes, not {}", st.st_size, size_));
  }
  std::string checksum = hasher_.hex_digest();
  if (expected_hash_ && checksum != *expected_hash_) {
    discard();
    return make_error(
        Errc::checksum_mismatch,
        fmt::format("the received file's checksum is {}, not {}", checksum, *expected_hash_));
  }
  // Before the rename, so the published file carries its checksum from the first instant.
  store_checksum_xattr(file_.get(), checksum);
  if (::fsync(file_.get()) != 0) {
    Error error = error_from_errno(errno, "fsync upload");
    discard();
    return error;
  }
  if (auto published = publish(check); !published) return published;
  committed_ = true;
  // rename(2) changes the inode's ctime, so the tag is taken after it.
  if (::fstat(file_.get(), &st) == 0) published_version_ = version_tag(st);
  published_checksum_ = std::move(checksum);
  auto synced = fsync_directory(dir_.get());
  close();
  return synced;
}

}  // namespace netdisk::storage
