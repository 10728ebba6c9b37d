#include "cluster/shares/pg_share_book.h"

#include <charconv>
#include <chrono>

#include "cluster/pg/pg_time.h"

namespace netdisk::cluster {
namespace {

using pg::Params;
using pg::PgConnection;
using pg::PgResult;
using pg::PgStatus;
using pg::seconds_text;
using server::ShareRecord;
using Clock = std::chrono::system_clock;

// numeric(20) for the counts: a link's limit is any 64-bit number the protocol accepts.
constexpr std::string_view kSchema = R"(
CREATE TABLE IF NOT EXISTS netdisk.shares (
  digest        text PRIMARY KEY,
  owner         text NOT NULL,
  path          text NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('file', 'folder', 'dropbox')),
  max_downloads numeric(20) NOT NULL DEFAULT 0,
  downloads     numeric(20) NOT NULL DEFAULT 0,
  password_hash text NOT NULL DEFAULT '',
  created       timestamptz NOT NULL,
  expires       timestamptz
);
CREATE INDEX IF NOT EXISTS shares_owner ON netdisk.shares (owner, created);
CREATE INDEX IF NOT EXISTS shares_expires ON netdisk.shares (expires);)";

// The columns every SELECT reads, in the order row_record() expects.
constexpr std::string_view kColumns =
    "digest, owner, path, kind, max_downloads, downloads, password_hash, "
    "extract(epoch from created)::bigint, extract(epoch from expires)::bigint";

// An expired link stays listed (as "expired") this long, then goes.
constexpr std::chrono::seconds kKeepExpired = std::chrono::hours(24 * 7);

template <typename T>
T number(std::string_view text) {
  T value{};
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

std::string_view kind_of(const ShareRecord& record) {
  if (record.upload_only) return "dropbox";
  return record.folder ? "folder" : "file";
}

ShareRecord row_record(const PgResult& result, int row) {
  ShareRecord record;
  record.digest = std::string(result.text(row, 0));
  record.owner = std::string(result.text(row, 1));
  record.path = std::string(result.text(row, 2));
  auto kind = result.text(row, 3);
  record.folder = kind != "file";
  record.upload_only = kind == "dropbox";
  record.max_downloads = number<std::uint64_t>(result.text(row, 4));
  record.downloads = number<std::uint64_t>(result.text(row, 5));
  record.password_hash = std::string(result.text(row, 6));
  record.created = Clock::time_point(std::chrono::seconds(number<long long>(result.text(row, 7))));
  if (!result.is_null(row, 8)) {
    record.expires =
        Clock::time_point(std::chrono::seconds(number<long long>(result.text(row, 8))));
  }
  return record;
}

Result<std::vector<ShareRecord>> records_of(pg::PgResultOf<PgResult> result) {
  if (!result) return result.error().to_error();
  std::vector<ShareRecord> records;
  for (int row = 0; row < result->rows(); ++row) records.push_back(row_record(*result, row));
  return records;
}

// Under the owner's advisory lock: two nodes adding links for one owner at once cannot both
// pass the limit. The prune rides along: it needs no lock of its own.
PgStatus add_locked(PgConnection& connection, const ShareRecord& record, std::size_t max_per_owner,
                    std::optional<std::size_t>& refused_at) {
  auto locked = connection.exec("SELECT pg_advisory_xact_lock(hashtext('netdisk.shares:' || $1))",
                                {record.owner});
  if (!locked) return locked.error();
  auto pruned =
      connection.exec("DELETE FROM netdisk.shares WHERE expires < to_timestamp($1::bigint)",
                      {seconds_text(record.created - kKeepExpired)});
  if (!pruned) return pruned.error();
  auto counted =
      connection.exec("SELECT count(*) FROM netdisk.shares WHERE owner = $1", {record.owner});
  if (!counted) return counted.error();
  auto owned = number<std::size_t>(counted->text(0, 0));
  if (owned >= max_per_owner) {
    refused_at = owned;
    return {};
  }
  auto inserted = connection.exec(
      "INSERT INTO netdisk.shares (digest, owner, path, kind, max_downloads, downloads, "
      "password_hash, created, expires) VALUES ($1, $2, $3, $4, $5::numeric, $6::numeric, $7, "
      "to_timestamp($8::bigint), to_timestamp($9::bigint))",
      {record.digest, record.owner, record.path, std::string(kind_of(record)),
       std::to_string(record.max_downloads), std::to_string(record.downloads), record.password_hash,
       seconds_text(record.created),
       record.expires ? std::optional(seconds_text(*record.expires)) : std::nullopt});
  if (!inserted) return inserted.error();
  return {};
}

}  // namespace

Result<std::unique_ptr<PgShareBook>> PgShareBook::open(std::shared_ptr<pg::PgPool> pool) {
  if (auto made = pg::ensure_schema(*pool, "netdisk.shares", kSchema); !made) {
    return made.error().to_error();
  }
  return std::unique_ptr<PgShareBook>(new PgShareBook(std::move(pool)));
}

Status PgShareBook::add(const ShareRecord& record, std::size_t max_per_owner) {
  std::optional<std::size_t> refused_at;
  auto done = pg::in_transaction(*pool_, [&](PgConnection& connection) {
    refused_at.reset();
    return add_locked(connection, record, max_per_owner, refused_at);
  });
  if (!done) return done.error().to_error();
  if (refused_at) return server::too_many_links(*refused_at);
  return {};
}

Result<std::vector<ShareRecord>> PgShareBook::of_owner(std::string_view owner) {
  return records_of(
      pool_->exec(std::string("SELECT ").append(kColumns).append(
                      " FROM netdisk.shares WHERE owner = $1 ORDER BY created, digest"),
                  {std::string(owner)}));
}

Result<std::optional<ShareRecord>> PgShareBook::find(std::string_view digest) {
  auto found = records_of(pool_->exec(
      std::string("SELECT ").append(kColumns).append(" FROM netdisk.shares WHERE digest = $1"),
      {std::string(digest)}));
  if (!found) return std::move(found).error();
  if (found->empty()) return std::optional<ShareRecord>();
  return std::optional<ShareRecord>(std::move(found->front()));
}

Result<std::size_t> PgShareBook::remove_named(std::string_view owner, std::string_view digest,
                                              std::string_view target) {
  // Two statements, each atomic: a link named by token or id, else the links on a path.
  auto named = pool_->exec(
      "DELETE FROM netdisk.shares WHERE owner = $1 AND (digest = $2 OR left(digest, 12) = $3)",
      {std::string(owner), std::string(digest), std::string(target)});
  if (!named) return named.error().to_error();
  if (named->affected() > 0) return named->affected();
  auto on_path = pool_->exec("DELETE FROM netdisk.shares WHERE owner = $1 AND path = $2",
                             {std::string(owner), std::string(target)});
  if (!on_path) return on_path.error().to_error();
  return on_path->affected();
}

Result<std::size_t> PgShareBook::remove_under(std::string_view owner, std::string_view path) {
  // left() rather than LIKE: a path may hold '%' and '_', which LIKE would read as patterns.
  auto removed = pool_->exec(
      "DELETE FROM netdisk.shares WHERE owner = $1 AND ($2 = '' OR path = $2 OR "
      "left(path, length($2) + 1) = $2 || '/')",
      {std::string(owner), std::string(path)});
  if (!removed) return removed.error().to_error();
  return removed->affected();
}

Status PgShareBook::count_download(std::string_view digest) {
  // The condition and the increment in one statement: the row's lock orders concurrent
  // downloads on every node, and each sees the count the one before it left.
  auto counted = pool_->exec(
      "UPDATE netdisk.shares SET downloads = downloads + 1 WHERE digest = $1 AND "
      "(max_downloads = 0 OR downloads < max_downloads) RETURNING downloads",
      {std::string(digest)});
  if (!counted) return counted.error().to_error();
  if (counted->rows() == 1) return {};
  auto still = pool_->exec("SELECT 1 FROM netdisk.shares WHERE digest = $1", {std::string(digest)});
  if (!still) return still.error().to_error();
  if (still->rows() == 0) return make_error(Errc::not_found, "no such link");
  return server::link_used_up();
}

}  // namespace netdisk::cluster
