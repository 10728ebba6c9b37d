// ClusterSpace's reading half (cluster_space.h): an OpenFile holds the chunk list of the
// version it opened, so a replace or a remove meanwhile does not disturb it (the chunks of a
// content nothing refers to stay for the grace period, ClusterBackend::collect_chunks()).
#include <algorithm>
#include <cstring>
#include <vector>

#include <fmt/format.h>

#include "cluster/storage/cluster_chunks.h"
#include "cluster/storage/cluster_rows.h"
#include "cluster/storage/cluster_space.h"

namespace netdisk::cluster {

using storage::storage_error;
using storage::StorageErrc;
using storage::StorageError;
using storage::StorageResult;

namespace {

// What one read of the chunk store fetches for a reader that asks for less.
constexpr std::size_t kReadAheadBytes = std::size_t{2} << 20;

class ClusterOpenFile final : public storage::OpenFile {
 public:
  ClusterOpenFile(std::shared_ptr<ChunkStore> store, std::string ns, ChunkList chunks,
                  const EntryRow& row)
      : store_(std::move(store)),
        ns_(std::move(ns)),
        chunks_(std::move(chunks)),
        size_(row.size),
        mtime_ns_(row.mtime_ns),
        version_(row.version),
        checksum_(row.checksum) {}

  std::uint64_t size() const override { return size_; }
  std::int64_t mtime_ns() const override { return mtime_ns_; }
  const std::string& version() const override { return version_; }

  // Serves from a read-ahead window: the transfer engine asks for 256 KiB at a time, and each
  // chunk store read is a network round trip.
  StorageResult<std::size_t> read_at(std::uint64_t offset, std::span<std::byte> into) override {
    if (offset >= size_) return std::size_t{0};
    auto want = static_cast<std::size_t>(std::min<std::uint64_t>(into.size(), size_ - offset));
    if (want >= kReadAheadBytes) return chunks_.read_at(*store_, ns_, offset, into.first(want));
    if (offset < window_start_ || offset + want > window_start_ + window_.size()) {
      auto span =
          static_cast<std::size_t>(std::min<std::uint64_t>(kReadAheadBytes, size_ - offset));
      window_.resize(span);
      auto got = chunks_.read_at(*store_, ns_, offset, window_);
      if (!got) {
        window_.clear();
        return std::move(got).error();
      }
      window_.resize(*got);
      window_start_ = offset;
    }
    std::size_t n = std::min<std::size_t>(want, window_start_ + window_.size() - offset);
    std::memcpy(into.data(), window_.data() + (offset - window_start_), n);
    return n;
  }

  StorageResult<std::string> prefix_checksum(std::uint64_t length) override {
    if (length > size_) {
      return storage_error(StorageErrc::out_of_range,
                           fmt::format("{} bytes asked, the file has {}", length, size_));
    }
    storage::Xxh3Hasher hasher;
    if (auto hashed = chunks_.hash_prefix(*store_, ns_, length, hasher); !hashed) {
      return std::move(hashed).error();
    }
    return hasher.hex_digest();
  }

  std::optional<std::string> stored_checksum() override { return checksum_; }

 private:
  std::shared_ptr<ChunkStore> store_;
  std::string ns_;
  ChunkList chunks_;  // this version's objects, whatever happens to the name later
  std::uint64_t size_;
  std::int64_t mtime_ns_;
  std::string version_;
  std::optional<std::string> checksum_;
  std::vector<std::byte> window_;  // bytes [window_start_, + size) of this version
  std::uint64_t window_start_ = 0;
};

// The file at `path`: not_found, or is_a_directory for a folder.
StorageResult<EntryRow> file_at(const SqlRunner& sql, const std::string& user,
                                const ClientPath& path) {
  auto row = load_entry(sql, user, path.path);
  if (!row) return std::move(row).error();
  if (!*row)
    return storage_error(StorageErrc::not_found, fmt::format("'{}' does not exist", path.path));
  if ((*row)->is_dir) {
    return storage_error(StorageErrc::is_a_directory, fmt::format("'{}' is a folder", path.path));
  }
  return std::move(**row);
}

}  // namespace

StorageResult<std::unique_ptr<storage::OpenFile>> ClusterSpace::open_read(
    std::string_view path) const {
  auto parsed = client_path(path, false);
  if (!parsed) return std::move(parsed).error();
  auto row = file_at(shared_->db, user_, *parsed);
  if (!row) return std::move(row).error();
  // The entry and its chunk list are two statements: the content is immutable, and if the
  // name was replaced in between, the old content's chunks outlive the grace period's start.
  auto chunks = ChunkList::load(shared_->db, row->content_id.value_or(0));
  if (!chunks) return std::move(chunks).error();
  if (chunks->size() != row->size) {
    return storage_error(StorageErrc::io_error,
                         fmt::format("'{}': the stored chunks do not add up to its size", path));
  }
  return std::unique_ptr<storage::OpenFile>(
      std::make_unique<ClusterOpenFile>(shared_->chunks, user_, std::move(*chunks), *row));
}

// Every content's checksum is stored at commit (computed while receiving), so this never reads
// bytes unless a row lacks it.
StorageResult<storage::UserSpace::Checksum> ClusterSpace::checksum(std::string_view path) {
  auto parsed = client_path(path, false);
  if (!parsed) return std::move(parsed).error();
  auto row = file_at(shared_->db, user_, *parsed);
  if (!row) return std::move(row).error();
  if (row->checksum) return Checksum{*row->checksum, row->version, row->size};
  auto file = open_read(path);
  if (!file) return std::move(file).error();
  auto sum = (*file)->prefix_checksum((*file)->size());
  if (!sum) return std::move(sum).error();
  return Checksum{*sum, (*file)->version(), (*file)->size()};
}

}  // namespace netdisk::cluster
