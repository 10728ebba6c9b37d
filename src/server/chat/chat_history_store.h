// ChatHistoryStore: the public chat messages kept for members who join later, served by the
// chat.history request (docs/PROTOCOL.md, "Chat"). ChatRoom::broadcast() hands each accepted
// public message to record() on the sender's I/O thread (private messages never come here);
// page() is called on the blocking pool. One implementation per mode, picked at start-up:
// MemoryChatHistory below (one server) and PgChatHistoryStore (cluster mode, PostgreSQL,
// server/cluster/pg_chat_history_store.h). Implementations are thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace netdisk::server {

// The most messages one chat.history reply carries.
inline constexpr std::size_t kMaxChatHistoryPage = 500;
// What a chat.history without `limit` returns.
inline constexpr std::size_t kDefaultChatHistoryPage = 50;

struct ChatRecord {
  std::int64_t id = 0;  // increasing in the order kept; the `before` cursor
  std::string from;
  std::string text;
  std::chrono::system_clock::time_point when;
};

class ChatHistoryStore {
 public:
  virtual ~ChatHistoryStore() = default;
  // Keeps one public message. Never blocks: it runs on an I/O thread. Failures are logged,
  // never reported (the message was already delivered).
  virtual void record(std::string_view from, std::string_view text,
                      std::chrono::system_clock::time_point when) = 0;
  // The latest `limit` (at most kMaxChatHistoryPage) messages whose id is below `before`
  // (every kept message when nullopt), oldest first. May block: blocking pool only.
  // Errors: the backing store's (cluster: server_busy, io_error).
  virtual Result<std::vector<ChatRecord>> page(std::size_t limit,
                                               std::optional<std::int64_t> before) = 0;
};

// One server: the last `capacity` public messages, in memory. Chat on one server is live
// talk, not a mail archive: members, the room and its events already vanish with a restart,
// and a disk write (temp file, fsync, rename) per message would put the chat's rate at the
// disk's. So history outlives a member's reconnect, not the server's restart (documented in
// docs/PROTOCOL.md). Ids start at 1 at every start.
class MemoryChatHistory final : public ChatHistoryStore {
 public:
  static constexpr std::size_t kDefaultCapacity = 500;
  explicit MemoryChatHistory(std::size_t capacity = kDefaultCapacity) : capacity_(capacity) {}

  void record(std::string_view from, std::string_view text,
              std::chrono::system_clock::time_point when) override;
  Result<std::vector<ChatRecord>> page(std::size_t limit,
                                       std::optional<std::int64_t> before) override;

 private:
  const std::size_t capacity_;
  std::mutex mutex_;
  std::deque<ChatRecord> kept_;  // oldest first, at most capacity_
  std::int64_t next_id_ = 1;
};

}  // namespace netdisk::server
