#include "server/ops/trash_ops.h"

#include "common/time_format.h"
#include "protocol/fields.h"
#include "server/ops/lock_check.h"
#include "server/ops/session.h"
#include "server/ops/storage_access.h"
#include "server/storage_errors.h"

namespace netdisk::server::ops {
namespace {

using json = nlohmann::json;
using storage::UserSpace;

json trash_json(const storage::TrashEntry& entry) {
  return {{"id", entry.id},
          {"path", entry.original_path},
          {"type", entry.is_directory ? "dir" : "file"},
          {"size", entry.size},
          {"removed", format_utc_ns(entry.removed_ns)}};
}

// The id of the entry `name` names: an id itself, or the newest entry removed from that path.
storage::StorageResult<std::string> resolve_entry(const UserSpace& space, const std::string& name) {
  auto entries = space.list_trash();
  if (!entries) return std::move(entries).error();
  for (const auto& entry : *entries) {  // newest first
    if (entry.id == name || entry.original_path == name) return entry.id;
  }
  return storage::storage_error(storage::StorageErrc::not_found,
                                "'" + name + "' is not in the trash");
}

}  // namespace

boost::asio::awaitable<OpResult> trash_list(OpCall& call) {
  co_return co_await with_space(call, [](UserSpace& space) -> OpResult {
    auto entries = space.list_trash();
    if (!entries) return wire_error(entries.error());
    json list = json::array();
    for (const auto& entry : *entries) list.push_back(trash_json(entry));
    return reply_with({{"entries", std::move(list)}});
  });
}

boost::asio::awaitable<OpResult> trash_restore(OpCall& call) {
  auto name = protocol::string_field(call.body, "name");
  if (!name) co_return std::move(name).error();
  auto to = protocol::optional_string_field(call.body, "to");
  if (!to) co_return std::move(to).error();
  std::string wanted(*name);
  std::optional<std::string> target;
  if (*to) target = std::string(**to);
  if (target) {
    auto unlocked = co_await check_unlocked(call, *target, false);
    if (!unlocked.ok()) {
      co_return std::move(unlocked).error();
    }
  }
  co_return co_await with_space(call, [&wanted, &target](UserSpace& space) -> OpResult {
    auto id = resolve_entry(space, wanted);
    if (!id) return wire_error(id.error());
    auto restored = space.restore_from_trash(*id, target);
    if (!restored) return wire_error(restored.error());
    return reply_with({{"path", *restored}});
  });
}

boost::asio::awaitable<OpResult> trash_empty(OpCall& call) {
  auto name = protocol::optional_string_field(call.body, "name");
  if (!name) co_return std::move(name).error();
  std::optional<std::string> wanted;
  if (*name) wanted = std::string(**name);
  co_return co_await with_space(call, [&wanted](UserSpace& space) -> OpResult {
    std::optional<std::string> id;
    if (wanted) {
      auto found = resolve_entry(space, *wanted);
      if (!found) return wire_error(found.error());
      id = std::move(*found);
    }
    auto freed = space.delete_from_trash(id);
    if (!freed) return wire_error(freed.error());
    return reply_with({{"removed", freed->entries}, {"bytes", freed->bytes}});
  });
}

boost::asio::awaitable<OpResult> versions_list(OpCall& call) {
  auto path = protocol::string_field(call.body, "path");
  if (!path) co_return std::move(path).error();
  std::string target(*path);
  co_return co_await with_space(call, [&target](UserSpace& space) -> OpResult {
    auto versions = space.list_versions(target);
    if (!versions) return wire_error(versions.error());
    json list = json::array();
    for (const auto& version : *versions) {
      list.push_back({{"id", version.id},
                      {"time", format_utc_ns(version.time_ns)},
                      {"size", version.size},
                      {"checksum", version.checksum}});
    }
    return reply_with({{"versions", std::move(list)}});
  });
}

boost::asio::awaitable<OpResult> versions_restore(OpCall& call) {
  auto path = protocol::string_field(call.body, "path");
  if (!path) co_return std::move(path).error();
  auto version = protocol::string_field(call.body, "version");
  if (!version) co_return std::move(version).error();
  std::string target(*path), id(*version);
  auto unlocked = co_await check_unlocked(call, target, false);
  if (!unlocked.ok()) {
    co_return std::move(unlocked).error();
  }
  co_return co_await with_space(call, [&target, &id](UserSpace& space) -> OpResult {
    auto restored = space.restore_version(target, id);
    if (!restored) return wire_error(restored.error());
    return reply_with({{"version", restored->version}});
  });
}

}  // namespace netdisk::server::ops
