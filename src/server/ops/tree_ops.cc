#include "server/ops/tree_ops.h"

#include "protocol/fields.h"
#include "server/ops/lock_check.h"
#include "server/ops/share_ops.h"
#include "server/ops/storage_access.h"
#include "server/storage_errors.h"

namespace netdisk::server::ops {
namespace {

using json = nlohmann::json;
using storage::StorageErrc;
using storage::UserSpace;

struct TreeRequest {
  std::string from;
  std::string to;
  bool overwrite = false;
  bool shallow = false;
};

Result<TreeRequest> read_request(const json& body) {
  auto from = protocol::string_field(body, "from");
  if (!from) return std::move(from).error();
  auto to = protocol::string_field(body, "to");
  if (!to) return std::move(to).error();
  auto overwrite = protocol::optional_bool_field(body, "overwrite", false);
  if (!overwrite) return std::move(overwrite).error();
  auto shallow = protocol::optional_bool_field(body, "shallow", false);
  if (!shallow) return std::move(shallow).error();
  return TreeRequest{std::string(*from), std::string(*to), *overwrite, *shallow};
}

// A folder copied or moved into itself (or onto itself) would never end, or lose the source.
bool inside(std::string_view path, std::string_view folder) {
  if (path == folder) return true;
  return path.size() > folder.size() && path.starts_with(folder) && path[folder.size()] == '/';
}

// Makes room at the target: exists when something is there and overwrite is off; otherwise
// moves it into the trash (RFC 4918 deletes the target first; a delete here is the trash, as
// for every other transport, so an overwriting COPY or MOVE never destroys what was there).
// Returns whether something was there.
storage::StorageResult<bool> clear_target(UserSpace& space, const TreeRequest& request) {
  auto source = space.stat(request.from);
  if (!source) return std::move(source).error();
  if (inside(request.to, request.from) || inside(request.from, request.to)) {
    return storage::storage_error(StorageErrc::bad_name,
                                  "a folder cannot be copied or moved into itself");
  }
  auto state = space.target_state(request.to);
  if (!state) return std::move(state).error();
  if (!state->exists) return false;
  if (!request.overwrite) {
    return storage::storage_error(StorageErrc::exists, "the destination already exists");
  }
  if (auto trashed = space.move_to_trash(request.to); !trashed) return std::move(trashed).error();
  return true;
}

storage::StorageStatus copy_shallow(UserSpace& space, const TreeRequest& request) {
  auto source = space.stat(request.from);
  if (!source) return std::move(source).error();
  if (!source->is_directory) return space.copy(request.from, request.to, UserSpace::Replace::yes);
  return space.make_directory(request.to, false);
}

// `moves`: the source's names go away too, so its locks bind and are forgotten after.
template <typename Act>
boost::asio::awaitable<OpResult> run_tree_op(OpCall& call, bool moves, Act act) {
  auto request = read_request(call.body);
  if (!request) co_return std::move(request).error();
  TreeRequest req = std::move(*request);
  // Everything at the target may be replaced, so locks below it bind as well.
  auto unlocked = co_await check_unlocked(call, req.to, true);
  if (unlocked.ok() && moves) unlocked = co_await check_unlocked(call, req.from, true);
  if (!unlocked.ok()) co_return std::move(unlocked).error();
  auto result = co_await with_space(call, [&req, act](UserSpace& space) -> OpResult {
    auto replaced = clear_target(space, req);
    if (!replaced) return wire_error(replaced.error());
    if (auto done = act(space, req); !done) return wire_error(done.error());
    return reply_with({{"replaced", *replaced}});
  });
  if (result && moves) co_await forget_locks(call, req.from);      // locks do not follow a move
  if (result && moves) co_await end_shares_under(call, req.from);  // links do not follow either
  if (result && result->fields.value("replaced", false)) co_await end_shares_under(call, req.to);
  co_return result;
}

}  // namespace

boost::asio::awaitable<OpResult> copy_tree(OpCall& call) {
  return run_tree_op(call, false, [](UserSpace& space, const TreeRequest& req) {
    if (req.shallow) return copy_shallow(space, req);
    return space.copy(req.from, req.to, UserSpace::Replace::yes);
  });
}

boost::asio::awaitable<OpResult> move_tree(OpCall& call) {
  return run_tree_op(call, true, [](UserSpace& space, const TreeRequest& req) {
    return space.rename(req.from, req.to, UserSpace::Replace::yes);
  });
}

}  // namespace netdisk::server::ops
