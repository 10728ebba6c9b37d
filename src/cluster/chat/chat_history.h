// ChatHistory: the chat messages of a cluster in PostgreSQL (table netdisk.chat_history), so
// a member who joins later can be shown the recent ones. Appended by the node a message was
// sent to (server/cluster/chat_relay.h), in the order sent. Every call blocks on PostgreSQL:
// blocking pool only. Thread-safe (the pool is).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/pg/pg.h"
#include "common/result.h"

namespace netdisk::cluster {

class ChatHistory {
 public:
  // Creates the table if needed. Errors: PostgreSQL's.
  static Result<std::unique_ptr<ChatHistory>> open(std::shared_ptr<pg::PgPool> pool);

  Status append(std::string_view node, std::string_view from, std::string_view text,
                std::chrono::system_clock::time_point when);

  struct Message {
    std::int64_t id = 0;  // bigserial: increasing in the order rows were inserted
    std::string node;
    std::string from;
    std::string text;
    std::chrono::system_clock::time_point when;
  };
  // The latest `count` messages, oldest first.
  Result<std::vector<Message>> recent(std::size_t count) { return page(count, std::nullopt); }
  // The latest `count` messages whose id is below `before` (all when nullopt), oldest first:
  // one descent of the primary key's index, whatever the table's size.
  Result<std::vector<Message>> page(std::size_t count, std::optional<std::int64_t> before);

 private:
  explicit ChatHistory(std::shared_ptr<pg::PgPool> pool) : pool_(std::move(pool)) {}
  std::shared_ptr<pg::PgPool> pool_;
};

}  // namespace netdisk::cluster
