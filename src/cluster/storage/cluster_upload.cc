// ClusterSpace's uploads (cluster_space.h). A sink buffers at most one chunk; each full chunk
// is written as one immutable object and then recorded in the session's `uploads` row by one
// statement guarded by the sink's hold, so any node can resume the session from the bytes of
// its recorded chunks (a node killed mid-chunk loses only that tail, which the client resends).
// The commit publishes in one transaction under the user's lock: TargetCheck, the old file
// kept as a version (or orphaned), the entry pointed at the new content.
#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "cluster/storage/cluster_chunk_intents.h"
#include "cluster/storage/cluster_chunks.h"
#include "cluster/storage/cluster_rows.h"
#include "cluster/storage/cluster_space.h"
#include "cluster/storage/cluster_versions.h"
#include "storage/atomic_file.h"
#include "storage/checksum.h"

namespace netdisk::cluster {

using storage::storage_error;
using storage::StorageErrc;
using storage::StorageError;
using storage::StorageResult;
using storage::StorageStatus;

namespace {

std::int64_t lease_ns(const ClusterShared& shared) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(shared.options.upload_lease).count();
}

// What begin_upload() found or made: the session row the sink holds.
struct Session {
  std::int64_t id = 0;
  std::int64_t content_id = 0;
  std::uint64_t recorded = 0;
  int chunk_count = 0;
};

class ClusterUploadSink final : public storage::UploadSink {
 public:
  ClusterUploadSink(std::shared_ptr<ClusterShared> shared, std::string user, ClientPath target,
                    Session session, std::string holder, std::uint64_t size, bool size_known,
                    std::optional<std::string> expected)
      : shared_(std::move(shared)),
        user_(std::move(user)),
        target_(std::move(target)),
        session_(session),
        holder_(std::move(holder)),
        size_(size),
        size_known_(size_known),
        expected_(std::move(expected)),
        hasher_complete_(session.recorded == 0),
        renewed_ns_(shared_->now_ns()) {}

  ~ClusterUploadSink() override;

  std::uint64_t size() const override { return size_; }
  std::uint64_t offset() const override { return session_.recorded + buffer_.size(); }
  bool resumable() const override { return expected_.has_value(); }
  bool size_known() const override { return size_known_; }

  StorageStatus write(std::span<const std::byte> bytes) override;
  StorageResult<storage::Published> commit(const storage::TargetCheck& check) override;
  void discard() noexcept override;

 private:
  StorageStatus flush_chunk();
  StorageStatus renew_lease();
  StorageError fail(StorageError error);
  StorageResult<std::string> content_checksum();
  StorageResult<storage::Published> publish(const storage::TargetCheck& check,
                                            const std::string& checksum);

  std::shared_ptr<ClusterShared> shared_;
  std::string user_;
  ClientPath target_;
  Session session_;
  std::string holder_;  // "<node>/<random>": the sink's hold on the row, and its objects' suffix
  std::uint64_t size_;  // unsized: the limit, until commit() sets what arrived
  bool size_known_;
  std::optional<std::string> expected_;
  std::vector<std::byte> buffer_;  // bytes past the recorded chunks, at most one chunk
  storage::Xxh3Hasher hasher_;     // every byte since offset 0, when hasher_complete_
  bool hasher_complete_;
  std::int64_t renewed_ns_;
  bool live_ = true;
};

ClusterUploadSink::~ClusterUploadSink() {
  if (!live_) return;
  if (!resumable()) {
    discard();
    return;
  }
  // A dropped resumable sink keeps what it received: its tail becomes one more (short) chunk,
  // then the hold is released so the next begin_upload() resumes at once.
  if (!buffer_.empty() && !flush_chunk()) return;
  (void)shared_->db.exec(
      "UPDATE netdisk.uploads SET holder = NULL, lease_until_ns = 0 WHERE id = $1 AND holder = $2",
      {param(session_.id), holder_});
}

StorageError ClusterUploadSink::fail(StorageError error) {
  discard();
  return error;
}

void ClusterUploadSink::discard() noexcept {
  if (!live_) return;
  live_ = false;
  std::int64_t now = shared_->now_ns();
  (void)shared_->db.locked(user_, [&](StoreTx& tx) -> StorageStatus {
    auto gone = tx.exec("DELETE FROM netdisk.uploads WHERE id = $1 AND holder = $2",
                        {param(session_.id), holder_});
    if (!gone) return std::move(gone).error();
    return orphan_unreferenced(tx, {session_.content_id}, now);
  });
}

StorageStatus ClusterUploadSink::renew_lease() {
  std::int64_t now = shared_->now_ns();
  if (now - renewed_ns_ < lease_ns(*shared_) / 3) return {};
  auto renewed = shared_->db.exec(
      "UPDATE netdisk.uploads SET lease_until_ns = $3, touched_ns = $4 WHERE id = $1 AND "
      "holder = $2",
      {param(session_.id), holder_, param(now + lease_ns(*shared_)), param(now)});
  if (!renewed) return std::move(renewed).error();
  if (renewed->affected() == 0) {
    live_ = false;
    return storage_error(StorageErrc::busy, "another server took this upload over");
  }
  renewed_ns_ = now;
  return {};
}

// Announces the object (an intent row, so that a node dying between the write and the record
// leaves a row for the collection instead of an object nothing names), writes it, then
// records it: one statement that moves the row's offset only if this sink still holds it, no
// chunk was recorded meanwhile, and the intent is still there (locked, so the collection of a
// stale intent and this record cannot both win), and that consumes the intent.
StorageStatus ClusterUploadSink::flush_chunk() {
  std::string oid = fmt::format("c{}-{}-{}", session_.content_id, session_.chunk_count,
                                holder_.substr(holder_.rfind('/') + 1));
  if (auto announced = announce_chunk(shared_->db, user_, oid, shared_->now_ns()); !announced) {
    return std::move(announced).error();
  }
  if (auto put = shared_->chunks->put(user_, oid, buffer_); !put) {
    (void)forget_chunk(*shared_, user_, oid);
    return chunk_failure(put.error());
  }
  std::int64_t now = shared_->now_ns();
  auto recorded = shared_->db.exec(
      "WITH i AS (SELECT 1 FROM netdisk.chunk_intents WHERE ns = $8 AND oid = $7 FOR UPDATE), "
      "u AS (UPDATE netdisk.uploads SET recorded = recorded + $4, chunk_count = chunk_count + 1, "
      "lease_until_ns = $5, touched_ns = $6 WHERE id = $1 AND holder = $2 AND chunk_count = $3 "
      "AND EXISTS (SELECT 1 FROM i) RETURNING content_id), "
      "d AS (DELETE FROM netdisk.chunk_intents WHERE ns = $8 AND oid = $7 AND EXISTS (SELECT 1 "
      "FROM u)) INSERT INTO netdisk.chunks (content_id, idx, oid, length) SELECT content_id, "
      "$3::integer, $7::text, $4::bigint FROM u",
      {param(session_.id), holder_, std::to_string(session_.chunk_count),
       param(static_cast<std::uint64_t>(buffer_.size())), param(now + lease_ns(*shared_)),
       param(now), oid, user_});
  if (!recorded) return std::move(recorded).error();
  if (recorded->affected() == 0) {
    (void)forget_chunk(*shared_, user_, oid);
    live_ = false;
    return storage_error(StorageErrc::busy, "another server took this upload over");
  }
  session_.recorded += buffer_.size();
  session_.chunk_count += 1;
  renewed_ns_ = now;
  buffer_.clear();
  return {};
}

StorageStatus ClusterUploadSink::write(std::span<const std::byte> bytes) {
  if (!live_) return storage_error(StorageErrc::io_error, "the upload is closed");
  if (bytes.size() > size_ - offset()) {
    return storage_error(StorageErrc::size_mismatch,
                         fmt::format("the upload would exceed its {} of {} bytes",
                                     size_known_ ? "declared size" : "limit", size_));
  }
  if (hasher_complete_) hasher_.update(bytes);
  const std::size_t chunk = shared_->options.chunk_bytes;
  while (!bytes.empty()) {
    std::size_t take = std::min(bytes.size(), chunk - buffer_.size());
    buffer_.insert(buffer_.end(), bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(take));
    bytes = bytes.subspan(take);
    if (buffer_.size() < chunk) break;
    if (auto flushed = flush_chunk(); !flushed) return fail(std::move(flushed).error());
  }
  if (auto renewed = renew_lease(); !renewed) return renewed;
  return {};
}

// A sink that resumed another's session has not seen the first bytes: it reads them back.
StorageResult<std::string> ClusterUploadSink::content_checksum() {
  if (hasher_complete_) return hasher_.hex_digest();
  if (!buffer_.empty()) {
    if (auto flushed = flush_chunk(); !flushed) return std::move(flushed).error();
  }
  auto chunks = ChunkList::load(shared_->db, session_.content_id);
  if (!chunks) return std::move(chunks).error();
  storage::Xxh3Hasher hasher;
  if (auto read = chunks->hash_prefix(*shared_->chunks, user_, offset(), hasher); !read) {
    return std::move(read).error();
  }
  return hasher.hex_digest();
}

StorageResult<storage::Published> ClusterUploadSink::commit(const storage::TargetCheck& check) {
  if (!live_) return storage_error(StorageErrc::io_error, "the upload is closed");
  if (!size_known_) size_ = offset();  // what arrived is the file
  if (offset() != size_) {
    return storage_error(StorageErrc::size_mismatch,
                         fmt::format("received {} of {} bytes", offset(), size_));
  }
  auto checksum = content_checksum();
  if (!checksum) return fail(std::move(checksum).error());
  if (expected_ && *checksum != *expected_) {
    return fail(storage_error(
        StorageErrc::checksum_mismatch,
        fmt::format("the received file's checksum is {}, not {}", *checksum, *expected_)));
  }
  if (!buffer_.empty()) {
    if (auto flushed = flush_chunk(); !flushed) return fail(std::move(flushed).error());
  }
  auto published = publish(check, *checksum);
  if (published) live_ = false;
  return published;
}

StorageResult<storage::Published> ClusterUploadSink::publish(const storage::TargetCheck& check,
                                                             const std::string& checksum) {
  std::int64_t now = shared_->now_ns();
  return shared_->db.locked_result<storage::Published>(
      user_, [&](StoreTx& tx) -> StorageResult<storage::Published> {
        auto held =
            tx.exec("SELECT 1 FROM netdisk.uploads WHERE id = $1 AND holder = $2 FOR UPDATE",
                    {param(session_.id), holder_});
        if (!held) return std::move(held).error();
        if (held->rows() == 0) {
          return storage_error(StorageErrc::busy, "another server took this upload over");
        }
        if (auto parent = check_parent(tx, user_, target_); !parent)
          return std::move(parent).error();
        auto current = load_entry(tx, user_, target_.path, true);
        if (!current) return std::move(current).error();
        if (*current && (*current)->is_dir) {
          return storage_error(StorageErrc::is_a_directory,
                               fmt::format("'{}' is a folder", target_.name));
        }
        if (check) {
          if (auto allowed = check(target_of(*current)); !allowed)
            return std::move(allowed).error();
        }
        auto replacing = begin_replacing(tx, user_, *current, *shared_->retention, now);
        if (!replacing) return std::move(replacing).error();
        const std::string& tag = replacing->tag;
        auto stored = tx.exec(
            "WITH c AS (UPDATE netdisk.contents SET size = $6, checksum = $7 WHERE id = $5), "
            "d AS (DELETE FROM netdisk.uploads WHERE id = $9) "
            "INSERT INTO netdisk.entries (username, path, parent, name, is_dir, size, mtime_ns, "
            "version, content_id, checksum) VALUES ($1, $2, $3, $4, false, $6, $8, $10, $5, $7) "
            "ON CONFLICT (username, path) DO UPDATE SET size = $6, mtime_ns = $8, version = $10, "
            "content_id = $5, checksum = $7",
            {user_, target_.path, target_.parent, target_.name, param(session_.content_id),
             param(size_), checksum, param(now), param(session_.id), tag});
        if (!stored) return std::move(stored).error();
        if (*current && (*current)->content_id) {
          auto orphaned = orphan_unreferenced(tx, {*(*current)->content_id}, now);
          if (!orphaned) return std::move(orphaned).error();
        }
        return storage::Published{tag, checksum, replacing->freed};
      });
}

// Finds the resumable session of (path, size, checksum) and takes its hold, or makes a new one.
StorageResult<Session> take_session(const SqlRunner& tx, const std::string& user,
                                    const ClientPath& target, const std::string& key,
                                    std::uint64_t size, const std::optional<std::string>& checksum,
                                    const std::string& holder, std::int64_t now,
                                    std::int64_t lease) {
  auto found = tx.exec(
      "SELECT id, content_id, recorded, chunk_count, holder IS NOT NULL AND lease_until_ns > $4 "
      "FROM netdisk.uploads WHERE username = $1 AND path = $2 AND upload_key = $3 FOR UPDATE",
      {user, target.path, key, param(now)});
  if (!found) return std::move(found).error();
  if (found->rows() > 0) {
    if (found->text(0, 4) == "t") {
      return storage_error(StorageErrc::busy, "an upload of this file is already in progress");
    }
    Session session{column_i64(*found, 0, 0), column_i64(*found, 0, 1),
                    static_cast<std::uint64_t>(column_i64(*found, 0, 2)),
                    static_cast<int>(column_i64(*found, 0, 3))};
    auto taken = tx.exec(
        "UPDATE netdisk.uploads SET holder = $2, lease_until_ns = $3, touched_ns = $4 WHERE id = "
        "$1",
        {param(session.id), holder, param(now + lease), param(now)});
    if (!taken) return std::move(taken).error();
    return session;
  }
  auto id = next_id(tx);
  if (!id) return std::move(id).error();
  auto made = tx.exec(
      "WITH c AS (INSERT INTO netdisk.contents (id, username) VALUES ($1, $2)) "
      "INSERT INTO netdisk.uploads (id, username, upload_key, path, size, checksum, content_id, "
      "holder, lease_until_ns, touched_ns) VALUES ($1, $2, $3, $4, $5, $6, $1, $7, $8, $9)",
      {param(*id), user, key, target.path, param(size), checksum, holder, param(now + lease),
       param(now)});
  if (!made) return std::move(made).error();
  return Session{*id, *id, 0, 0};
}

}  // namespace

StorageResult<std::unique_ptr<storage::UploadSink>> ClusterSpace::begin_upload(
    std::string_view path, std::uint64_t size, std::optional<std::string> content_checksum) {
  return start_upload(path, size, false, std::move(content_checksum));
}

StorageResult<std::unique_ptr<storage::UploadSink>> ClusterSpace::begin_unsized_upload(
    std::string_view path, std::uint64_t limit) {
  return start_upload(path, std::min(limit, storage::kMaxUploadBytes), true, std::nullopt);
}

StorageResult<std::unique_ptr<storage::UploadSink>> ClusterSpace::start_upload(
    std::string_view path, std::uint64_t size, bool unsized,
    std::optional<std::string> content_checksum) {
  auto target = client_path(path, false);
  if (!target) return std::move(target).error();
  if (size > storage::kMaxUploadBytes) {
    return storage_error(StorageErrc::no_space, "the file is larger than any upload may be");
  }
  if (content_checksum) {
    for (char& c : *content_checksum) c = static_cast<char>(std::tolower(c));
    if (!storage::is_checksum_hex(*content_checksum)) {
      return storage_error(StorageErrc::bad_argument,
                           "the content hash must be 32 hex digits (XXH3-128)");
    }
  }
  std::string holder = shared_->options.node_name + "/" + storage::random_name_suffix();
  std::int64_t now = shared_->now_ns();
  auto session =
      shared_->db.locked_result<Session>(user_, [&](StoreTx& tx) -> StorageResult<Session> {
        if (auto parent = check_parent(tx, user_, *target); !parent)
          return std::move(parent).error();
        auto current = load_entry(tx, user_, target->path);
        if (!current) return std::move(current).error();
        if (*current && (*current)->is_dir) {
          return storage_error(StorageErrc::is_a_directory, fmt::format("'{}' is a folder", path));
        }
        // A session that no one may resume gets a key of its own; nothing finds it again.
        std::string key = content_checksum ? fmt::format("{}:{}", size, *content_checksum)
                                           : fmt::format("once:{}", holder);
        return take_session(tx, user_, *target, key, size, content_checksum, holder, now,
                            lease_ns(*shared_));
      });
  if (!session) return std::move(session).error();
  return std::unique_ptr<storage::UploadSink>(std::make_unique<ClusterUploadSink>(
      shared_, user_, std::move(*target), *session, std::move(holder), size, !unsized,
      std::move(content_checksum)));
}

}  // namespace netdisk::cluster
