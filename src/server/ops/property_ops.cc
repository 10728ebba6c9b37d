#include "server/ops/property_ops.h"

#include <fmt/format.h>

#include "protocol/fields.h"
#include "server/ops/storage_access.h"
#include "server/storage_errors.h"

namespace netdisk::server::ops {
namespace {

using json = nlohmann::json;
using storage::PropertyChange;
using storage::StorageErrc;

constexpr std::size_t kMaxPaths = 1000;  // a listing page
constexpr std::size_t kMaxChanges = 256;

Error bad(std::string_view why) { return make_error(Errc::bad_request, std::string(why)); }

Result<std::vector<std::string>> read_paths(const json& body) {
  auto it = body.find("paths");
  if (it == body.end() || !it->is_array() || it->empty() || it->size() > kMaxPaths) {
    return bad(fmt::format("\"paths\" must be a list of 1 to {} paths", kMaxPaths));
  }
  std::vector<std::string> paths;
  for (const auto& path : *it) {
    if (!path.is_string()) return bad("\"paths\" must hold strings");
    paths.push_back(path.get<std::string>());
  }
  return paths;
}

Result<PropertyChange> read_change(const json& item) {
  if (!item.is_object()) return bad("a change must be an object");
  auto ns = protocol::string_field(item, "ns");
  if (!ns) return std::move(ns).error();
  auto name = protocol::string_field(item, "name");
  if (!name) return std::move(name).error();
  auto value = protocol::optional_string_field(item, "value");
  if (!value) return std::move(value).error();
  PropertyChange change{{std::string(*ns), std::string(*name)}, std::nullopt};
  if (*value) change.value = std::string(**value);
  return change;
}

Result<std::vector<PropertyChange>> read_changes(const json& body) {
  auto it = body.find("changes");
  if (it == body.end() || !it->is_array() || it->empty() || it->size() > kMaxChanges) {
    return bad(fmt::format("\"changes\" must be a list of 1 to {} changes", kMaxChanges));
  }
  std::vector<PropertyChange> changes;
  for (const auto& item : *it) {
    auto change = read_change(item);
    if (!change) return std::move(change).error();
    changes.push_back(std::move(*change));
  }
  return changes;
}

json properties_json(const storage::DeadProperties& properties) {
  json out = json::array();
  for (const auto& [name, value] : properties) {
    out.push_back({{"ns", name.ns}, {"name", name.local}, {"value", value}});
  }
  return out;
}

}  // namespace

boost::asio::awaitable<OpResult> read_properties(OpCall& call) {
  auto paths = read_paths(call.body);
  if (!paths) co_return std::move(paths).error();
  std::vector<std::string> targets = std::move(*paths);
  co_return co_await with_space(call, [&targets](storage::UserSpace& space) -> OpResult {
    json all = json::array();
    for (const auto& path : targets) {
      auto properties = space.properties(path);
      if (!properties && properties.error().code == StorageErrc::not_found) {
        all.push_back(nullptr);
        continue;
      }
      if (!properties) return wire_error(properties.error());
      all.push_back(properties_json(*properties));
    }
    return reply_with({{"properties", std::move(all)}});
  });
}

boost::asio::awaitable<OpResult> patch_properties(OpCall& call) {
  auto path = protocol::string_field(call.body, "path");
  if (!path) co_return std::move(path).error();
  auto changes = read_changes(call.body);
  if (!changes) co_return std::move(changes).error();
  std::string target(*path);
  std::vector<PropertyChange> patch = std::move(*changes);
  co_return co_await with_space(call, [&target, &patch](storage::UserSpace& space) -> OpResult {
    if (auto done = space.patch_properties(target, patch); !done) return wire_error(done.error());
    return reply_with(json::object());
  });
}

}  // namespace netdisk::server::ops
