// PgShareBook: a cluster's share links in PostgreSQL (table netdisk.shares, one row per link,
// keyed by the token's digest), so every node opens a link the moment its creation was
// answered, and a revocation or the end of a removed target is seen by all at once. The
// download limit holds across nodes: a download is one conditional UPDATE ... RETURNING,
// never a read then a write. Links expired for over a week are pruned as new ones are made.
// Thread-safe (a PgPool); every call blocks on PostgreSQL: blocking pool only.
#pragma once

#include <memory>

#include "cluster/pg/pg.h"
#include "server/shares/share_book.h"

namespace netdisk::cluster {

class PgShareBook final : public server::ShareBook {
 public:
  // Creates netdisk.shares if needed (ensure_schema). Errors: server_busy or io_error when
  // PostgreSQL cannot be reached or refuses.
  static Result<std::unique_ptr<PgShareBook>> open(std::shared_ptr<pg::PgPool> pool);

  Status add(const server::ShareRecord& record, std::size_t max_per_owner) override;
  Result<std::vector<server::ShareRecord>> of_owner(std::string_view owner) override;
  Result<std::optional<server::ShareRecord>> find(std::string_view digest) override;
  Result<std::size_t> remove_named(std::string_view owner, std::string_view digest,
                                   std::string_view target) override;
  Result<std::size_t> remove_under(std::string_view owner, std::string_view path) override;
  Status count_download(std::string_view digest) override;

 private:
  explicit PgShareBook(std::shared_ptr<pg::PgPool> pool) : pool_(std::move(pool)) {}

  std::shared_ptr<pg::PgPool> pool_;
};

}  // namespace netdisk::cluster
