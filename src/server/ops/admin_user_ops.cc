#include "server/ops/admin_user_ops.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "protocol/fields.h"
#include "server/blocking.h"
#include "server/logging/component_log.h"
#include "server/ops/admin_ops.h"
#include "server/services.h"
#include "storage/byte_size.h"

namespace netdisk::server::ops {
namespace {

using storage::AccountState;
using storage::UserRecord;
using storage::UserRole;

Error no_user(std::string_view name) {
  return make_error(Errc::not_found, fmt::format("there is no user \"{}\"", name));
}

Result<UserRole> role_from(std::string_view text) {
  if (text == "admin") return UserRole::admin;
  if (text == "user") return UserRole::user;
  return make_error(Errc::bad_request, "\"role\" must be admin or user");
}

// The user's row after a change, as admin.users shows it (a walk of their files: blocking).
boost::asio::awaitable<OpResult> reply_row(OpCall& call, std::string_view name) {
  auto& server = call.server;
  auto record = server.accounts.find_user(name);
  if (!record) co_return no_user(name);
  auto row = co_await run_blocking(server.blocking_pool,
                                   [&server, &record] { return admin_user_row(server, *record); });
  co_return reply_with(std::move(row));
}

// Applies `change` to the named user's record, durably, then answers with the row.
boost::asio::awaitable<OpResult> change_user(OpCall& call, std::string_view name,
                                             storage::UserRegistry::Change change) {
  auto& server = call.server;
  auto changed = co_await run_blocking(server.blocking_pool, [&server, &name, &change] {
    return server.accounts.update_user(name, std::move(change));
  });
  if (!changed.ok()) {
    if (changed.error().code == Errc::not_found) co_return no_user(name);
    co_return std::move(changed).error();
  }
  co_return co_await reply_row(call, name);
}

}  // namespace

boost::asio::awaitable<OpResult> admin_user_add(OpCall& call) {
  auto name = protocol::string_field(call.body, "username");
  if (!name) co_return std::move(name).error();
  auto password = protocol::string_field(call.body, "password");
  if (!password) co_return std::move(password).error();
  auto role_text = protocol::optional_string_field(call.body, "role");
  if (!role_text) co_return std::move(role_text).error();
  auto role = role_from(role_text->value_or("user"));
  if (!role) co_return std::move(role).error();
  // The administrator adds accounts whatever the registration mode says.
  auto added = co_await call.server.accounts.register_user(std::string(*name),
                                                           std::string(*password), *role);
  if (!added.ok()) co_return std::move(added).error();
  log_of(LogComponent::admin)
      .info("admin: added user {:?}{}", *name, *role == UserRole::admin ? " (admin)" : "");
  co_return co_await reply_row(call, *name);
}

boost::asio::awaitable<OpResult> admin_user_state(OpCall& call) {
  auto name = protocol::string_field(call.body, "username");
  if (!name) co_return std::move(name).error();
  auto state = protocol::string_field(call.body, "state");
  if (!state) co_return std::move(state).error();
  if (*state != "active" && *state != "disabled") {
    co_return make_error(Errc::bad_request, "\"state\" must be active or disabled");
  }
  auto wanted = *state == "disabled" ? AccountState::disabled : AccountState::active;
  log_of(LogComponent::admin).info("admin: user {:?} set {}", *name, *state);
  // A named Change, never a temporary in the co_await: GCC 12 destroys a non-trivial
  // temporary argument of a co_await expression twice.
  storage::UserRegistry::Change change = [wanted](UserRecord& user) { user.state = wanted; };
  co_return co_await change_user(call, *name, std::move(change));
}

boost::asio::awaitable<OpResult> admin_user_quota(OpCall& call) {
  auto name = protocol::string_field(call.body, "username");
  if (!name) co_return std::move(name).error();
  auto quota = protocol::string_field(call.body, "quota");
  if (!quota) co_return std::move(quota).error();
  std::optional<std::uint64_t> bytes;
  if (*quota != "none") {
    bytes = storage::parse_byte_size(*quota);
    if (!bytes) {
      co_return make_error(Errc::bad_request,
                           fmt::format("\"{}\" is not a size; give a byte count or a size such "
                                       "as 500 MB or 10 GiB, or none",
                                       *quota));
    }
  }
  std::string text = bytes ? std::string(*quota) : std::string();
  storage::UserRegistry::Change change = [text, bytes](UserRecord& user) {
    user.quota = text;
    user.quota_bytes = bytes;
  };
  co_return co_await change_user(call, *name, std::move(change));
}

boost::asio::awaitable<OpResult> admin_user_role(OpCall& call) {
  auto name = protocol::string_field(call.body, "username");
  if (!name) co_return std::move(name).error();
  auto text = protocol::string_field(call.body, "role");
  if (!text) co_return std::move(text).error();
  auto role = role_from(*text);
  if (!role) co_return std::move(role).error();
  log_of(LogComponent::admin).info("admin: user {:?} given the role {}", *name, *text);
  storage::UserRegistry::Change change = [role = *role](UserRecord& user) { user.role = role; };
  co_return co_await change_user(call, *name, std::move(change));
}

boost::asio::awaitable<OpResult> admin_user_passwd(OpCall& call) {
  auto name = protocol::string_field(call.body, "username");
  if (!name) co_return std::move(name).error();
  auto password = protocol::string_field(call.body, "password");
  if (!password) co_return std::move(password).error();
  auto set =
      co_await call.server.accounts.reset_password(std::string(*name), std::string(*password));
  if (!set.ok()) co_return std::move(set).error();
  log_of(LogComponent::admin)
      .info("admin: set a new password for user {:?}; their sessions ended", *name);
  co_return co_await reply_row(call, *name);
}

boost::asio::awaitable<OpResult> admin_user_delete(OpCall& call) {
  auto name = protocol::string_field(call.body, "username");
  if (!name) co_return std::move(name).error();
  auto purge = protocol::optional_bool_field(call.body, "purge", false);
  if (!purge) co_return std::move(purge).error();
  auto& server = call.server;
  auto record = server.accounts.find_user(*name);
  if (!record) co_return no_user(*name);
  const std::string& user = record->name;
  // The row goes first: once it is gone nobody logs in as this user, so nothing new lands in
  // their space after it is set aside (a rename within the data folder, or one transaction).
  auto aside = co_await run_blocking(
      server.blocking_pool, [&server, &user]() -> Result<std::optional<std::string>> {
        if (auto removed = server.accounts.remove_user(user); !removed.ok()) {
          return std::move(removed).error();
        }
        server.shares.forget_path(user, "");  // a later account of this name inherits no link
        return server.deleted_users->set_aside(user, server.wall_clock());
      });
  if (!aside) co_return std::move(aside).error();
  server.quota->forget(user);  // a new user of this name starts from an empty folder
  nlohmann::json fields = {{"username", user}, {"purged", false}, {"kept_as", nullptr}};
  if (*aside && *purge) {
    auto gone = co_await run_blocking(server.blocking_pool, [&server, &aside] {
      return server.deleted_users->remove(**aside);
    });
    if (!gone.ok()) co_return std::move(gone).error();
    fields["purged"] = true;
  } else if (*aside) {
    fields["kept_as"] = "deleted/" + **aside;
    fields["kept_for"] = server.live.deleted_retention().count();
  }
  log_of(LogComponent::admin)
      .info("admin: deleted user {:?}; their folder {}", user,
            !*aside  ? "was missing"
            : *purge ? "is removed"
                     : "is kept as deleted/" + **aside);
  co_return reply_with(std::move(fields));
}

}  // namespace netdisk::server::ops
