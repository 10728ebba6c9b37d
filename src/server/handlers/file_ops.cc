#include "server/handlers/file_ops.h"

#include <fmt/format.h>

#include "common/time_format.h"
#include "protocol/fields.h"
#include "server/blocking.h"
#include "server/connection.h"
#include "server/listing.h"
#include "server/server_context.h"

namespace netdisk::server::handlers {
namespace {

using json = nlohmann::json;

}  // namespace

boost::asio::awaitable<HandlerResult> with_store(
    RequestContext& context, std::function<HandlerResult(storage::FileStore&)> work) {
  // An ordinary function, not a coroutine: see run_blocking in server/blocking.h.
  auto& connection = context.connection;
  auto folder = connection.server().layout.user_folder(*connection.user());
  auto& slot = connection.file_store();
  return run_blocking(connection.server().blocking_pool,
                      [&slot, folder = std::move(folder), work = std::move(work)]() -> HandlerResult {
                        if (!slot) {
                          auto store = storage::FileStore::open(folder);
                          if (!store) return std::move(store).error();
                          slot = std::make_shared<storage::FileStore>(std::move(*store));
                        }
                        return work(*slot);
                      });
}

boost::asio::awaitable<HandlerResult> list(RequestContext& context) {
  const auto& body = context.request.body;
  auto path = protocol::optional_string_field(body, "path");
  if (!path) co_return std::move(path).error();
  auto after = protocol::optional_string_field(body, "after");
  if (!after) co_return std::move(after).error();
  std::string dir(path->value_or(""));
  std::string start(after->value_or(""));
  co_return co_await with_store(context, [&](storage::FileStore& store) -> HandlerResult {
    auto page = list_page(store, dir, start);
    if (!page) return std::move(page).error();
    return reply_with({{"entries", std::move(page->entries)}, {"more", page->more}});
  });
}

boost::asio::awaitable<HandlerResult> stat(RequestContext& context) {
  auto path = protocol::string_field(context.request.body, "path");
  if (!path) co_return std::move(path).error();
  std::string target(*path);
  co_return co_await with_store(context, [&](storage::FileStore& store) -> HandlerResult {
    auto entry = store.stat(target);
    if (!entry) return std::move(entry).error();
    json reply = entry_json(*entry);
    reply.erase("name");
    if (!entry->is_directory) {
      auto file = store.open_for_download(target);
      if (!file) return std::move(file).error();
      reply["version"] = file->version;
    }
    return reply_with(std::move(reply));
  });
}

boost::asio::awaitable<HandlerResult> make_directory(RequestContext& context) {
  auto path = protocol::string_field(context.request.body, "path");
  if (!path) co_return std::move(path).error();
  auto parents = protocol::optional_bool_field(context.request.body, "parents", false);
  if (!parents) co_return std::move(parents).error();
  std::string target(*path);
  co_return co_await with_store(context, [&](storage::FileStore& store) -> HandlerResult {
    auto made = store.make_directory(target, *parents);
    if (!made.ok()) return std::move(made).error();
    return reply_with(json::object());
  });
}

boost::asio::awaitable<HandlerResult> remove(RequestContext& context) {
  auto path = protocol::string_field(context.request.body, "path");
  if (!path) co_return std::move(path).error();
  std::string target(*path);
  co_return co_await with_store(context, [&](storage::FileStore& store) -> HandlerResult {
    auto removed = store.remove(target);
    if (!removed.ok()) return std::move(removed).error();
    return reply_with(json::object());
  });
}

boost::asio::awaitable<HandlerResult> rename(RequestContext& context) {
  auto from = protocol::string_field(context.request.body, "from");
  if (!from) co_return std::move(from).error();
  auto to = protocol::string_field(context.request.body, "to");
  if (!to) co_return std::move(to).error();
  std::string source(*from), target(*to);
  co_return co_await with_store(context, [&](storage::FileStore& store) -> HandlerResult {
    auto renamed = store.rename(source, target);
    if (!renamed.ok()) return std::move(renamed).error();
    return reply_with(json::object());
  });
}

boost::asio::awaitable<HandlerResult> checksum(RequestContext& context) {
  auto path = protocol::string_field(context.request.body, "path");
  if (!path) co_return std::move(path).error();
  std::string target(*path);
  co_return co_await with_store(context, [&](storage::FileStore& store) -> HandlerResult {
    auto sum = store.file_checksum(target);
    if (!sum) return std::move(sum).error();
    // Opened after the checksum, whose first computation may bump the version tag once.
    auto file = store.open_for_download(target);
    if (!file) return std::move(file).error();
    return reply_with({{"checksum", *sum}, {"version", file->version}, {"size", file->size}});
  });
}

}  // namespace netdisk::server::handlers
