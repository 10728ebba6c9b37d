#include "server/ops/file_ops.h"

#include "protocol/fields.h"
#include "server/listing.h"
#include "server/ops/lock_check.h"
#include "server/ops/session.h"
#include "server/ops/share_ops.h"
#include "server/ops/storage_access.h"
#include "server/storage_errors.h"

namespace netdisk::server::ops {
namespace {

using json = nlohmann::json;

// remove's default: the whole entry goes into the trash in one rename (storage/retention.h).
// Without `tree` a folder that holds anything is refused as a plain remove refuses it, so
// `rm folder` means the same with or without a trash.
OpResult move_to_trash(storage::UserSpace& space, const std::string& target,
                       const storage::TargetCheck& check, bool tree) {
  if (!tree) {
    auto entry = space.stat(target);
    if (!entry) return wire_error(entry.error());
    if (entry->is_directory) {
      auto inside = space.list(target, "", 1);
      if (!inside) return wire_error(inside.error());
      if (!inside->empty()) {
        return make_error(Errc::not_empty, "'" + target + "' is not empty");
      }
    }
  }
  auto trashed = space.move_to_trash(target, check);
  if (!trashed) return wire_error(trashed.error());
  return reply_with({{"trash", trashed->id}});
}

}  // namespace

boost::asio::awaitable<OpResult> list(OpCall& call) {
  auto path = protocol::optional_string_field(call.body, "path");
  if (!path) co_return std::move(path).error();
  auto after = protocol::optional_string_field(call.body, "after");
  if (!after) co_return std::move(after).error();
  auto versions = protocol::optional_bool_field(call.body, "versions", false);
  if (!versions) co_return std::move(versions).error();
  std::string dir(path->value_or(""));
  std::string start(after->value_or(""));
  bool with_versions = *versions;
  // A typed page: each transport writes it in its own format (OpReply::listing).
  co_return co_await with_space(
      call, [&dir, &start, with_versions](storage::UserSpace& space) -> OpResult {
        auto page = list_page(space, dir, start);
        if (!page) return std::move(page).error();
        page->versions = with_versions;
        OpReply reply;
        reply.listing = std::move(*page);
        return reply;
      });
}

boost::asio::awaitable<OpResult> stat(OpCall& call) {
  auto path = protocol::string_field(call.body, "path");
  if (!path) co_return std::move(path).error();
  std::string target(*path);
  co_return co_await with_space(call, [&target](storage::UserSpace& space) -> OpResult {
    auto entry = space.stat(target);
    if (!entry) return wire_error(entry.error());
    json reply = entry_json(*entry);
    reply.erase("name");
    if (!entry->is_directory) {
      auto file = space.open_read(target);
      if (!file) return wire_error(file.error());
      reply["version"] = (*file)->version();
    }
    return reply_with(std::move(reply));
  });
}

boost::asio::awaitable<OpResult> make_directory(OpCall& call) {
  auto path = protocol::string_field(call.body, "path");
  if (!path) co_return std::move(path).error();
  auto parents = protocol::optional_bool_field(call.body, "parents", false);
  if (!parents) co_return std::move(parents).error();
  std::string target(*path);
  bool with_parents = *parents;
  auto unlocked = co_await check_unlocked(call, target, false);
  if (!unlocked.ok()) {
    co_return std::move(unlocked).error();
  }
  co_return co_await with_space(call,
                                [&target, with_parents](storage::UserSpace& space) -> OpResult {
                                  auto made = space.make_directory(target, with_parents);
                                  if (!made.ok()) return wire_error(made.error());
                                  return reply_with(json::object());
                                });
}

boost::asio::awaitable<OpResult> remove(OpCall& call) {
  auto path = protocol::string_field(call.body, "path");
  if (!path) co_return std::move(path).error();
  auto recursive = protocol::optional_bool_field(call.body, "recursive", false);
  if (!recursive) co_return std::move(recursive).error();
  auto permanent = protocol::optional_bool_field(call.body, "permanent", false);
  if (!permanent) co_return std::move(permanent).error();
  std::string target(*path);
  bool tree = *recursive;
  auto unlocked = co_await check_unlocked(call, target, true);
  if (!unlocked.ok()) {
    co_return std::move(unlocked).error();
  }
  storage::TargetCheck check = call.target_check.value_or(storage::TargetCheck{});
  auto result = co_await with_space(
      call, [&target, &check, tree, forever = *permanent](storage::UserSpace& space) -> OpResult {
        if (!forever) return move_to_trash(space, target, check, tree);
        // A tree removal has no single step to check a precondition at: refuse the combination.
        if (tree && check) {
          return make_error(Errc::bad_request, "a recursive remove takes no precondition");
        }
        auto removed = tree ? space.remove_tree(target) : space.remove(target, check);
        if (!removed.ok()) return wire_error(removed.error());
        return reply_with(json::object());
      });
  if (result) co_await forget_locks(call, target);  // only the caller's submitted locks were there
  if (result) co_await end_shares_under(call, target);  // a link never outlives its target
  co_return result;
}

boost::asio::awaitable<OpResult> rename(OpCall& call) {
  auto from = protocol::string_field(call.body, "from");
  if (!from) co_return std::move(from).error();
  auto to = protocol::string_field(call.body, "to");
  if (!to) co_return std::move(to).error();
  std::string source(*from), target(*to);
  auto unlocked = co_await check_unlocked(call, source, true);
  if (unlocked.ok()) unlocked = co_await check_unlocked(call, target, true);
  if (!unlocked.ok()) co_return std::move(unlocked).error();
  auto result =
      co_await with_space(call, [&source, &target](storage::UserSpace& space) -> OpResult {
        auto renamed = space.rename(source, target, storage::UserSpace::Replace::no);
        if (!renamed.ok()) return wire_error(renamed.error());
        return reply_with(json::object());
      });
  if (result) co_await forget_locks(call, source);  // locks do not follow a move (RFC 4918 §7.7)
  if (result) co_await end_shares_under(call, source);  // nor do share links
  co_return result;
}

boost::asio::awaitable<OpResult> checksum(OpCall& call) {
  auto path = protocol::string_field(call.body, "path");
  if (!path) co_return std::move(path).error();
  std::string target(*path);
  co_return co_await with_space(call, [&target](storage::UserSpace& space) -> OpResult {
    auto sum = space.checksum(target);
    if (!sum) return wire_error(sum.error());
    return reply_with(
        {{"checksum", sum->checksum}, {"version", sum->version}, {"size", sum->size}});
  });
}

}  // namespace netdisk::server::ops
