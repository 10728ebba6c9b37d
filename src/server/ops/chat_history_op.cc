#include "server/ops/chat_history_op.h"

#include "common/time_format.h"
#include "protocol/fields.h"
#include "server/blocking.h"
#include "server/services.h"

namespace netdisk::server::ops {
namespace {

nlohmann::json messages_json(const std::vector<ChatRecord>& records) {
  auto messages = nlohmann::json::array();
  for (const auto& record : records) {
    messages.push_back({{"id", record.id},
                        {"from", record.from},
                        {"text", record.text},
                        {"time", format_utc(record.when)}});
  }
  return messages;
}

}  // namespace

boost::asio::awaitable<OpResult> chat_history(OpCall& call) {
  auto limit = protocol::optional_uint_field(call.body, "limit", kMaxChatHistoryPage);
  if (!limit) co_return std::move(limit).error();
  auto before = protocol::optional_uint_field(call.body, "before");
  if (!before) co_return std::move(before).error();
  std::size_t count = limit->value_or(kDefaultChatHistoryPage);
  std::optional<std::int64_t> cursor;
  if (*before) cursor = static_cast<std::int64_t>(**before);  // kMaxWireInteger fits
  ChatHistoryStore* store = call.server.chat_history.get();
  auto page = co_await run_blocking(call.server.blocking_pool,
                                    [store, count, cursor] { return store->page(count, cursor); });
  if (!page) co_return std::move(page).error();
  co_return reply_with({{"messages", messages_json(*page)}});
}

}  // namespace netdisk::server::ops
