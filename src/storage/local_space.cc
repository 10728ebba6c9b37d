#include "storage/local_space.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "storage/checksum.h"
#include "storage/errc_bridge.h"

namespace netdisk::storage {

StorageResult<std::shared_ptr<UserSpace>> LocalBackend::open_space(std::string_view username) {
  auto store = FileStore::open(home_ / std::string(username));
  if (!store) return storage_error_of(store.error());
  return std::shared_ptr<UserSpace>(std::make_shared<LocalSpace>(std::move(*store), retention_));
}

StorageResult<std::size_t> LocalBackend::sweep_partial_uploads(std::chrono::seconds max_age,
                                                               const SweepFreed& freed) {
  if (!freed) return converted(FileStore::sweep_partial_uploads(home_, max_age));
  // Space by space, so that each user's freed bytes are known apart.
  std::error_code ec;
  std::size_t removed = 0;
  for (const auto& entry : std::filesystem::directory_iterator(home_, ec)) {
    if (!entry.is_directory(ec) || entry.is_symlink(ec)) continue;
    std::uint64_t bytes = 0;
    auto swept = FileStore::sweep_partial_uploads(entry.path(), max_age, &bytes);
    if (!swept) continue;  // removed meanwhile, or unreadable: the next sweep tries again
    removed += *swept;
    if (*swept > 0) freed(entry.path().filename().string(), bytes);
  }
  if (ec) return storage_error_from_errno(ec.value(), "sweep partial uploads");
  return removed;
}

StorageResult<std::uint64_t> LocalSpace::stored_bytes(std::string_view path) const {
  return converted(store_.stored_bytes(path));
}

StorageResult<std::vector<DirEntry>> LocalSpace::list(std::string_view dir, std::string_view after,
                                                      std::size_t limit) const {
  return converted(store_.list(dir, after, limit));
}

StorageResult<DirEntry> LocalSpace::stat(std::string_view path) const {
  return converted(store_.stat(path));
}

StorageResult<TargetState> LocalSpace::target_state(std::string_view path) const {
  return converted(store_.target_state(path));
}

StorageStatus LocalSpace::make_directory(std::string_view path, bool parents) {
  return converted(store_.make_directory(path, parents));
}

StorageStatus LocalSpace::remove(std::string_view path, const TargetCheck& check) {
  return converted(store_.remove(path, check));
}

StorageStatus LocalSpace::remove_tree(std::string_view path) {
  return converted(store_.remove_tree(path));
}

StorageStatus LocalSpace::rename(std::string_view from, std::string_view to, Replace replace) {
  return converted(store_.rename(from, to, replace == Replace::yes));
}

StorageStatus LocalSpace::copy(std::string_view from, std::string_view to, Replace replace) {
  return converted(store_.copy(from, to, replace == Replace::yes));
}

StorageResult<std::unique_ptr<OpenFile>> LocalSpace::open_read(std::string_view path) const {
  auto file = store_.open_for_download(path);
  if (!file) return storage_error_of(file.error());
  return std::unique_ptr<OpenFile>(std::make_unique<LocalOpenFile>(std::move(*file)));
}

// RESOLVE_CACHED walks the path from the dentry cache only; a cached dentry has its inode in
// memory, so the two opens and the fstat after it read nothing from the disk.
std::optional<StorageResult<std::unique_ptr<OpenFile>>> LocalSpace::open_read_cached(
    std::string_view path) const {
  using Opened = StorageResult<std::unique_ptr<OpenFile>>;
  auto file = store_.open_for_download_cached(path);
  if (!file) return std::nullopt;
  if (!*file) return Opened(storage_error_of(file->error()));
  return Opened(std::unique_ptr<OpenFile>(std::make_unique<LocalOpenFile>(std::move(**file))));
}

// Computing the checksum may store it, which changes the version tag: the tag is read after.
StorageResult<UserSpace::Checksum> LocalSpace::checksum(std::string_view path) {
  auto file = store_.open_for_download(path);
  if (!file) return storage_error_of(file.error());
  auto sum = whole_file_checksum(file->fd.get());
  if (!sum) return storage_error_of(sum.error());
  struct ::stat st {};
  if (::fstat(file->fd.get(), &st) != 0) return storage_error_from_errno(errno, "stat file");
  return Checksum{std::move(*sum), version_tag(st), static_cast<std::uint64_t>(st.st_size)};
}

StorageResult<std::unique_ptr<UploadSink>> LocalSpace::begin_upload(
    std::string_view path, std::uint64_t size, std::optional<std::string> content_checksum) {
  auto upload = store_.begin_upload(path, size, std::move(content_checksum));
  if (!upload) return storage_error_of(upload.error());
  return versioned_sink(std::move(*upload), path);
}

StorageResult<DeadProperties> LocalSpace::properties(std::string_view path) const {
  auto encoded = store_.read_properties(path);
  if (!encoded) return storage_error_of(encoded.error());
  return decode_properties(*encoded);
}

// The patch is computed under the name's lock, from the set stored then, so two patches of
// one name never lose each other's changes.
StorageStatus LocalSpace::patch_properties(std::string_view path,
                                           std::span<const PropertyChange> changes) {
  return converted(store_.update_properties(path, [changes](std::string_view current) {
    auto now = decode_properties(current);
    if (!now) return Result<std::string>(errc_error_of(now.error()));
    auto next = patched(std::move(*now), changes);
    if (!next) return Result<std::string>(errc_error_of(next.error()));
    return Result<std::string>(encode_properties(*next));
  }));
}

StorageResult<std::unique_ptr<UploadSink>> LocalSpace::begin_unsized_upload(std::string_view path,
                                                                            std::uint64_t limit) {
  auto upload = store_.begin_unsized_upload(path, limit);
  if (!upload) return storage_error_of(upload.error());
  return versioned_sink(std::move(*upload), path);
}

StorageResult<std::size_t> LocalOpenFile::read_at(std::uint64_t offset, std::span<std::byte> into) {
  std::size_t done = 0;
  while (done < into.size()) {
    ssize_t n = ::pread(file_.fd.get(), into.data() + done, into.size() - done,
                        static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return storage_error_from_errno(errno, "read file");
    if (n == 0) break;  // the end of the file
    done += static_cast<std::size_t>(n);
  }
  return done;
}

StorageResult<std::string> LocalOpenFile::prefix_checksum(std::uint64_t length) {
  return converted(storage::prefix_checksum(file_.fd.get(), length));
}

std::optional<std::string> LocalOpenFile::stored_checksum() {
  return storage::stored_checksum(file_.fd.get());
}

StorageStatus LocalUploadSink::write(std::span<const std::byte> bytes) {
  return converted(upload_.write(bytes));
}

StorageResult<Published> LocalUploadSink::commit(const TargetCheck& check) {
  if (auto committed = upload_.commit(check); !committed) {
    return storage_error_of(committed.error());
  }
  Published published{upload_.published_version(), upload_.published_checksum(), {}};
  if (after_commit_) published.freed = after_commit_();
  if (std::uint64_t replaced = upload_.replaced_bytes(); replaced > 0) {
    published.freed += Freed{1, replaced};  // no version keeps the file it replaced
  }
  return published;
}

}  // namespace netdisk::storage
