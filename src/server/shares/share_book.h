// ShareBook: where ShareService keeps its links (docs/ARCHITECTURE.md, "Share links"). Two
// implementations: FileShareBook (file_share_book.h, one server: memory and <data>/shares.txt)
// and cluster::PgShareBook (cluster/shares/pg_share_book.h, every node of a cluster: the table
// netdisk.shares). ShareService does the hashing, the state at a time and the throttling; a
// book only stores, finds, ends and counts. Thread-safe; every call may block: blocking pool.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "common/result.h"
#include "server/shares/share_file.h"

namespace netdisk::server {

class ShareBook {
 public:
  virtual ~ShareBook() = default;

  // Keeps `record` durably unless its owner already holds `max_per_owner` links
  // (rate_limited, too_many_links()). Errors: disk_full, io_error, server_busy.
  virtual Status add(const ShareRecord& record, std::size_t max_per_owner) = 0;
  // The owner's links, oldest first.
  virtual Result<std::vector<ShareRecord>> of_owner(std::string_view owner) = 0;
  // The link of a token's digest; nullopt when there is none.
  virtual Result<std::optional<ShareRecord>> find(std::string_view digest) = 0;
  // Ends the owner's links whose digest is `digest` or whose id() is `target`; when none
  // matches, those whose path is `target`. How many ended (0: none matched).
  virtual Result<std::size_t> remove_named(std::string_view owner, std::string_view digest,
                                           std::string_view target) = 0;
  // Ends the owner's links on `path` or under it ("" is the whole space). How many ended.
  virtual Result<std::size_t> remove_under(std::string_view owner, std::string_view path) = 0;
  // Counts one download, durably, unless the limit is reached: share_gone then, not_found
  // when the link is gone. Never more downloads than max_downloads, whoever counts at once.
  virtual Status count_download(std::string_view digest) = 0;
};

// The one refusal of a link over the limit, whatever the book.
inline Error too_many_links(std::size_t owned) {
  return make_error(
      Errc::rate_limited,
      fmt::format("you hold {} share links, the most allowed: revoke some first", owned));
}
inline Error link_used_up() {
  return make_error(Errc::share_gone, "this link has expired or has been used up");
}

// `path` is `root` or lies under it ("" is the whole space, above everything).
inline bool is_at_or_under(std::string_view path, std::string_view root) {
  if (root.empty() || path == root) return true;
  return path.size() > root.size() && path.starts_with(root) && path[root.size()] == '/';
}

}  // namespace netdisk::server
