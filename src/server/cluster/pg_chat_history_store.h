// PgChatHistoryStore: the chat history of a cluster (cluster mode), in PostgreSQL's
// netdisk.chat_history (cluster/chat/chat_history.h), so a member who joins through any node
// is shown the messages sent through every node. record() never blocks: it queues the insert
// on one strand of the blocking pool, so one node's messages are kept in the order sent (ids
// follow). page() blocks on PostgreSQL: blocking pool only. Owned by Services; thread-safe.
#pragma once

#include <atomic>
#include <memory>

#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>

#include "cluster/chat/chat_history.h"
#include "server/chat/chat_history_store.h"

namespace netdisk::server {

class PgChatHistoryStore final : public ChatHistoryStore {
 public:
  // Inserts waiting past this many (PostgreSQL unreachable or slow) are dropped, with a
  // warning: the live chat goes on, the history misses them.
  static constexpr std::size_t kMaxQueued = 1024;

  PgChatHistoryStore(std::shared_ptr<cluster::ChatHistory> history, std::string node_name,
                     boost::asio::thread_pool& blocking_pool);

  void record(std::string_view from, std::string_view text,
              std::chrono::system_clock::time_point when) override;
  Result<std::vector<ChatRecord>> page(std::size_t limit,
                                       std::optional<std::int64_t> before) override;

 private:
  // Shared with the queued inserts, which may outlive nothing else: each holds it.
  struct Shared {
    std::shared_ptr<cluster::ChatHistory> history;
    std::string node_name;
    std::atomic<std::size_t> queued{0};
  };
  std::shared_ptr<Shared> shared_;
  boost::asio::strand<boost::asio::thread_pool::executor_type> strand_;
};

}  // namespace netdisk::server
