#include "server/chat/chat_history_store.h"

#include <algorithm>

namespace netdisk::server {

void MemoryChatHistory::record(std::string_view from, std::string_view text,
                               std::chrono::system_clock::time_point when) {
  std::lock_guard lock(mutex_);
  kept_.push_back(ChatRecord{next_id_++, std::string(from), std::string(text), when});
  if (kept_.size() > capacity_) kept_.pop_front();
}

Result<std::vector<ChatRecord>> MemoryChatHistory::page(std::size_t limit,
                                                        std::optional<std::int64_t> before) {
  limit = std::min(limit, kMaxChatHistoryPage);
  std::lock_guard lock(mutex_);
  // Ids increase along kept_, so the messages below `before` are a prefix of it.
  auto end = before ? std::lower_bound(kept_.begin(), kept_.end(), *before,
                                       [](const ChatRecord& r, std::int64_t id) { return r.id < id; })
                    : kept_.end();
  auto count = std::min<std::size_t>(limit, static_cast<std::size_t>(end - kept_.begin()));
  return std::vector<ChatRecord>(end - static_cast<std::ptrdiff_t>(count), end);
}

}  // namespace netdisk::server
