#include "server/cluster/pg_chat_history_store.h"

#include <algorithm>

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "server/logging/component_log.h"

namespace netdisk::server {

PgChatHistoryStore::PgChatHistoryStore(std::shared_ptr<cluster::ChatHistory> history,
                                       std::string node_name,
                                       boost::asio::thread_pool& blocking_pool)
    : shared_(std::make_shared<Shared>()),
      strand_(boost::asio::make_strand(blocking_pool.get_executor())) {
  shared_->history = std::move(history);
  shared_->node_name = std::move(node_name);
}

void PgChatHistoryStore::record(std::string_view from, std::string_view text,
                                std::chrono::system_clock::time_point when) {
  if (shared_->queued.fetch_add(1) >= kMaxQueued) {
    shared_->queued.fetch_sub(1);
    log_of(LogComponent::chat)
        .warn("chat: {} messages wait for PostgreSQL; one from {} is not kept in the history",
              kMaxQueued, from);
    return;
  }
  boost::asio::post(strand_, [shared = shared_, from = std::string(from),
                              text = std::string(text), when] {
    auto kept = shared->history->append(shared->node_name, from, text, when);
    if (!kept.ok()) log_of(LogComponent::chat).warn("chat: history not kept: {}", kept.error().message);
    shared->queued.fetch_sub(1);
  });
}

Result<std::vector<ChatRecord>> PgChatHistoryStore::page(std::size_t limit,
                                                         std::optional<std::int64_t> before) {
  auto rows = shared_->history->page(std::min(limit, kMaxChatHistoryPage), before);
  if (!rows) return std::move(rows).error();
  std::vector<ChatRecord> out;
  out.reserve(rows->size());
  for (auto& row : *rows) {
    out.push_back(ChatRecord{row.id, std::move(row.from), std::move(row.text), row.when});
  }
  return out;
}

}  // namespace netdisk::server
