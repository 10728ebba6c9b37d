// MemorySpace's byte-moving half: open files and upload sinks (memory_space.h).
#include <algorithm>
#include <cctype>
#include <cstring>

#include <fmt/format.h>

#include "storage/checksum.h"
#include "storage/memory_space.h"
#include "storage/memory_tree.h"
#include "storage/safe_path.h"

namespace netdisk::storage {
namespace {

std::string hash_of(std::string_view bytes) {
  Xxh3Hasher hasher;
  hasher.update(std::as_bytes(std::span(bytes.data(), bytes.size())));
  return hasher.hex_digest();
}

class MemoryOpenFile final : public OpenFile {
 public:
  MemoryOpenFile(const MemoryNode& node, std::shared_ptr<FaultPlan> faults)
      : content_(node.content),
        mtime_ns_(node.mtime_ns),
        version_(node.version),
        checksum_(node.checksum),
        faults_(std::move(faults)) {}

  std::uint64_t size() const override { return content_->size(); }
  std::int64_t mtime_ns() const override { return mtime_ns_; }
  const std::string& version() const override { return version_; }

  StorageResult<std::size_t> read_at(std::uint64_t offset, std::span<std::byte> into) override {
    if (faults_->take_read_fault()) {
      return storage_error(StorageErrc::io_error, "read file: input/output error (injected)");
    }
    if (offset >= content_->size()) return std::size_t{0};
    std::size_t n = std::min<std::uint64_t>(into.size(), content_->size() - offset);
    std::memcpy(into.data(), content_->data() + offset, n);
    return n;
  }

  StorageResult<std::string> prefix_checksum(std::uint64_t length) override {
    if (length > content_->size()) {
      return storage_error(StorageErrc::out_of_range,
                           fmt::format("{} bytes asked, the file has {}", length, size()));
    }
    return hash_of(std::string_view(*content_).substr(0, length));
  }

  std::optional<std::string> stored_checksum() override { return checksum_; }

 private:
  std::shared_ptr<const std::string> content_;  // this version's bytes, whatever happens later
  std::int64_t mtime_ns_;
  std::string version_;
  std::optional<std::string> checksum_;
  std::shared_ptr<FaultPlan> faults_;
};

class MemoryUploadSink final : public UploadSink {
 public:
  MemoryUploadSink(std::shared_ptr<MemoryState> state, std::string key, Components target,
                   std::uint64_t size, bool size_known, std::uint64_t offset,
                   std::optional<std::string> expected)
      : state_(std::move(state)),
        key_(std::move(key)),
        target_(std::move(target)),
        size_(size),
        size_known_(size_known),
        offset_(offset),
        expected_(std::move(expected)) {}

  // A dropped live sink keeps a resumable partial (released) and drops any other.
  ~MemoryUploadSink() override {
    if (!live_) return;
    std::lock_guard lock(state_->mutex);
    auto it = state_->partials.find(key_);
    if (it == state_->partials.end()) return;
    if (resumable()) {
      it->second.held = false;
    } else {
      state_->partials.erase(it);
    }
  }

  std::uint64_t size() const override { return size_; }
  std::uint64_t offset() const override { return offset_; }
  bool resumable() const override { return expected_.has_value(); }
  bool size_known() const override { return size_known_; }

  StorageStatus write(std::span<const std::byte> bytes) override;
  StorageResult<Published> commit(const TargetCheck& check) override;

  void discard() noexcept override {
    if (!live_) return;
    std::lock_guard lock(state_->mutex);
    state_->partials.erase(key_);
    live_ = false;
  }

 private:
  // Ends the upload, dropping its partial; the caller holds the mutex.
  StorageError fail(StorageError error) {
    state_->partials.erase(key_);
    live_ = false;
    return error;
  }
  StorageResult<MemoryPartial*> partial();
  StorageResult<Published> publish(MemoryPartial& partial, const TargetCheck& check);

  std::shared_ptr<MemoryState> state_;
  std::string key_;
  Components target_;
  std::uint64_t size_;  // unsized: the limit, until commit() sets what arrived
  bool size_known_;
  std::uint64_t offset_;
  std::optional<std::string> expected_;
  bool live_ = true;
};

StorageResult<MemoryPartial*> MemoryUploadSink::partial() {
  if (!live_) return storage_error(StorageErrc::io_error, "the upload is closed");
  auto it = state_->partials.find(key_);
  if (it == state_->partials.end()) {
    live_ = false;
    return storage_error(StorageErrc::io_error, "the partial upload is gone");
  }
  return &it->second;
}

StorageStatus MemoryUploadSink::write(std::span<const std::byte> bytes) {
  std::lock_guard lock(state_->mutex);
  auto held = partial();
  if (!held) return std::move(held).error();
  if (bytes.size() > size_ - offset_) {
    return storage_error(StorageErrc::size_mismatch,
                         fmt::format("the upload would exceed its {} of {} bytes",
                                     size_known_ ? "declared size" : "limit", size_));
  }
  auto& bytes_held = (*held)->bytes;
  if (auto fault = state_->faults->take_write_fault(bytes.size())) {
    bytes_held.append(reinterpret_cast<const char*>(bytes.data()), fault->kept);
    return fail(storage_error(fault->code, fault->code == StorageErrc::no_space
                                               ? "write upload: disk full (injected)"
                                               : "write upload: input/output error (injected)"));
  }
  bytes_held.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  (*held)->touched = std::chrono::steady_clock::now();
  offset_ += bytes.size();
  return {};
}

StorageResult<Published> MemoryUploadSink::commit(const TargetCheck& check) {
  std::lock_guard lock(state_->mutex);
  auto held = partial();
  if (!held) return std::move(held).error();
  if (!size_known_) size_ = offset_;  // what arrived is the file
  if (offset_ != size_) {
    return storage_error(StorageErrc::size_mismatch,
                         fmt::format("received {} of {} bytes", offset_, size_));
  }
  std::string checksum = hash_of((*held)->bytes);
  if (expected_ && checksum != *expected_) {
    return fail(storage_error(
        StorageErrc::checksum_mismatch,
        fmt::format("the received file's checksum is {}, not {}", checksum, *expected_)));
  }
  if (state_->faults->take_crash()) {
    // As after kill -9 between the fsync and the rename: the partial is durable and free.
    (*held)->held = false;
    live_ = false;
    return storage_error(StorageErrc::io_error, "crash between two steps of a commit (injected)");
  }
  return publish(**held, check);
}

StorageResult<Published> MemoryUploadSink::publish(MemoryPartial& partial,
                                                   const TargetCheck& check) {
  auto parent = find_parent(state_->root, target_);
  if (!parent) return std::move(parent).error();
  auto& siblings = (*parent)->children;
  auto it = siblings.find(target_.back());
  MemoryNode* current = it == siblings.end() ? nullptr : it->second.get();
  if (current != nullptr && current->is_directory) {
    return storage_error(StorageErrc::is_a_directory,
                         fmt::format("'{}' is a folder", target_.back()));
  }
  if (check) {
    if (auto allowed = check(state_of(current)); !allowed) return std::move(allowed).error();
  }
  Freed dropped;
  if (current != nullptr && state_->retention->versions_kept == 0) {
    dropped += Freed{1, current->content->size()};  // replaced for good: no version keeps it
  }
  if (current != nullptr && state_->retention->versions_kept > 0) {
    dropped = keep_memory_version(*state_, join_components(target_), *current);
    if (state_->faults->take_version_crash()) {
      // As kill -9 after the old content was linked among the versions, before the rename.
      partial.held = false;
      live_ = false;
      return storage_error(StorageErrc::io_error, "crash after keeping a version (injected)");
    }
  }
  auto node = std::make_unique<MemoryNode>();
  node->checksum = hash_of(partial.bytes);
  node->content = std::make_shared<const std::string>(std::move(partial.bytes));
  node->version = state_->new_version();
  node->mtime_ns = now_ns();
  if (current != nullptr) node->properties = current->properties;  // the resource's, not the bytes'
  Published published{node->version, node->checksum, dropped};
  siblings[target_.back()] = std::move(node);
  state_->partials.erase(key_);
  live_ = false;
  return published;
}

}  // namespace

StorageResult<std::unique_ptr<OpenFile>> MemorySpace::open_read(std::string_view path) const {
  auto components = parse_path(path, false);
  if (!components) return std::move(components).error();
  std::lock_guard lock(state_->mutex);
  auto node = find_file(state_->root, *components, path);
  if (!node) return std::move(node).error();
  return std::unique_ptr<OpenFile>(std::make_unique<MemoryOpenFile>(**node, state_->faults));
}

StorageResult<std::unique_ptr<UploadSink>> MemorySpace::begin_upload(
    std::string_view path, std::uint64_t size, std::optional<std::string> content_checksum) {
  return start_upload(path, size, false, std::move(content_checksum));
}

StorageResult<std::unique_ptr<UploadSink>> MemorySpace::begin_unsized_upload(std::string_view path,
                                                                             std::uint64_t limit) {
  return start_upload(path, std::min(limit, kMaxUploadBytes), true, std::nullopt);
}

StorageResult<std::unique_ptr<UploadSink>> MemorySpace::start_upload(
    std::string_view path, std::uint64_t size, bool unsized,
    std::optional<std::string> content_checksum) {
  auto components = parse_path(path, false);
  if (!components) return std::move(components).error();
  std::lock_guard lock(state_->mutex);
  auto parent = find_parent(state_->root, *components);
  if (!parent) return std::move(parent).error();
  auto it = (*parent)->children.find(components->back());
  if (it != (*parent)->children.end() && it->second->is_directory) {
    return storage_error(StorageErrc::is_a_directory, fmt::format("'{}' is a folder", path));
  }
  if (content_checksum) {
    for (char& c : *content_checksum) c = static_cast<char>(std::tolower(c));
    if (!is_checksum_hex(*content_checksum)) {
      return storage_error(StorageErrc::bad_argument,
                           "the content hash must be 32 hex digits (XXH3-128)");
    }
  }
  std::string key = content_checksum ? fmt::format("{}\n{}\n{}", path, size, *content_checksum)
                                     : fmt::format("upload-{}", state_->next_partial++);
  auto& partial = state_->partials[key];
  if (partial.held) {
    return storage_error(StorageErrc::busy, "an upload of this file is already in progress");
  }
  if (partial.bytes.size() > size) partial.bytes.clear();  // not ours to resume: start over
  partial.target = *components;
  partial.held = true;
  partial.touched = std::chrono::steady_clock::now();
  return std::unique_ptr<UploadSink>(std::make_unique<MemoryUploadSink>(
      state_, std::move(key), std::move(*components), size, !unsized, partial.bytes.size(),
      std::move(content_checksum)));
}

}  // namespace netdisk::storage
