#include "server/ops/op_table.h"

#include <array>
#include <exception>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "server/ops/account_ops.h"
#include "server/ops/admin_ops.h"
#include "server/ops/admin_user_ops.h"
#include "server/ops/basic_ops.h"
#include "server/ops/chat_history_op.h"
#include "server/ops/chat_ops.h"
#include "server/ops/file_ops.h"
#include "server/ops/property_ops.h"
#include "server/ops/quota_ops.h"
#include "server/ops/session.h"
#include "server/ops/share_ops.h"
#include "server/ops/transfer_ops.h"
#include "server/ops/trash_ops.h"
#include "server/ops/tree_ops.h"
#include "server/services.h"
#include "server/telemetry/op_trace.h"

namespace netdisk::server::ops {
namespace {

using Method = ApiRoute::Method;
using Input = ApiRoute::Input;
using Cookie = ApiRoute::Cookie;

constexpr TransportSet kTcp = transport_bit(Transport::tcp);
constexpr TransportSet kHttp = transport_bit(Transport::http);
constexpr TransportSet kWebSocket = transport_bit(Transport::websocket);
constexpr TransportSet kChat = kTcp | kWebSocket;
constexpr TransportSet kAdmin = transport_bit(Transport::admin);

// Every op the server knows. A new op is one row here (docs/ARCHITECTURE.md).
// name, function, login, stream, transports, /api route, /files role.
const std::array kOps = {
    OpInfo{"hello", &hello, false, false, kTcp, {}, FilesRole::none, true},
    OpInfo{"ping", &ping, false, false, kTcp, {}},
    OpInfo{"register", &register_user, false, false, kTcp | kHttp,
           {"register", Method::post, 201, Input::json, true}},
    OpInfo{"login", &login, false, false, kTcp | kHttp,
           {"login", Method::post, 200, Input::json, true, Cookie::issue}, FilesRole::none, false,
           false, Tally::login},
    OpInfo{"logout", &logout, true, false, kTcp | kHttp,
           {"logout", Method::post, 200, Input::optional_json, true, Cookie::clear}},
    OpInfo{"passwd", &change_password, true, false, kTcp | kHttp,
           {"passwd", Method::post, 200, Input::json}},
    OpInfo{"whoami", &whoami, true, false, kTcp | kHttp, {"me", Method::get}},
    OpInfo{"list", &list, true, false, kTcp | kHttp,
           {"list", Method::get, 200, Input::query, false, Cookie::none, true, {"path", "after"}},
           FilesRole::list},
    OpInfo{"stat", &stat, true, false, kTcp | kHttp, {}, FilesRole::stat},
    OpInfo{"mkdir", &make_directory, true, false, kTcp | kHttp,
           {"mkdir", Method::post, 201, Input::json}, FilesRole::make_folder},
    OpInfo{"remove", &remove, true, false, kTcp | kHttp, {}, FilesRole::remove},
    OpInfo{"rename", &rename, true, false, kTcp | kHttp,
           {"rename", Method::post, 200, Input::json}},
    OpInfo{"checksum", &checksum, true, false, kTcp, {}},
    // The trash and versions (issue #20): remove moves into the trash unless "permanent".
    OpInfo{"trash.list", &trash_list, true, false, kTcp | kHttp, {"trash", Method::get}},
    OpInfo{"trash.restore", &trash_restore, true, false, kTcp | kHttp,
           {"trash/restore", Method::post, 200, Input::json}},
    OpInfo{"trash.empty", &trash_empty, true, false, kTcp | kHttp,
           {"trash/empty", Method::post, 200, Input::optional_json}},
    OpInfo{"versions.list", &versions_list, true, false, kTcp | kHttp,
           {"versions", Method::get, 200, Input::query, false, Cookie::none, false, {"path"}}},
    OpInfo{"versions.restore", &versions_restore, true, false, kTcp | kHttp,
           {"versions/restore", Method::post, 200, Input::json}},
    // WebDAV's COPY and MOVE (/files/, docs/HTTP.md); not on the TCP protocol yet.
    OpInfo{"copy", &copy_tree, true, false, kHttp, {}, FilesRole::copy},
    OpInfo{"move", &move_tree, true, false, kHttp, {}, FilesRole::move},
    // WebDAV's dead properties (PROPFIND, PROPPATCH).
    OpInfo{"props.get", &read_properties, true, false, kHttp, {}, FilesRole::properties},
    OpInfo{"props.patch", &patch_properties, true, false, kHttp, {}, FilesRole::patch_properties},
    OpInfo{"upload", &upload, true, false, kTcp | kHttp, {}, FilesRole::write},
    OpInfo{"upload.data", &upload_data, true, true, kTcp | kHttp, {}, FilesRole::write_data},
    OpInfo{"download", &download, true, false, kTcp | kHttp, {}, FilesRole::read},
    OpInfo{"df", &disk_usage, true, false, kTcp | kHttp, {"df", Method::get}},
    // Share links (issue #20): the owner's side; /s/<token> is HTTP's (http/share_route.h).
    OpInfo{"share.create", &share_create, true, false, kTcp | kHttp,
           {"shares/create", Method::post, 201, Input::json}},
    OpInfo{"share.list", &share_list, true, false, kTcp | kHttp, {"shares", Method::get}},
    OpInfo{"share.revoke", &share_revoke, true, false, kTcp | kHttp,
           {"shares/revoke", Method::post, 200, Input::json}},
    OpInfo{"chat.join", &chat_join, true, false, kChat, {}},
    OpInfo{"chat.send", &chat_send, true, false, kChat, {}, FilesRole::none, false, false,
           Tally::chat_message},
    OpInfo{"chat.private", &chat_private, true, false, kChat, {}, FilesRole::none, false, false,
           Tally::chat_message},
    OpInfo{"chat.who", &chat_who, true, false, kChat, {}},
    OpInfo{"chat.leave", &chat_leave, true, false, kChat, {}},
    OpInfo{"chat.history", &chat_history, true, false, kChat, {}},
    // The administrator's (server/admin/): the local socket's permissions authenticate.
    // admin.users also answers a logged-in admin's web page (admin_role).
    OpInfo{"admin.users", &admin_users, false, false, kAdmin | kHttp,
           {"admin/users", Method::get}, FilesRole::none, false, true},
    OpInfo{"admin.registration", &admin_registration, false, false, kAdmin, {}},
    OpInfo{"admin.invite", &admin_invite, false, false, kAdmin, {}},
    OpInfo{"admin.user.add", &admin_user_add, false, false, kAdmin, {}},
    OpInfo{"admin.user.state", &admin_user_state, false, false, kAdmin, {}},
    OpInfo{"admin.user.delete", &admin_user_delete, false, false, kAdmin, {}},
    OpInfo{"admin.user.passwd", &admin_user_passwd, false, false, kAdmin, {}},
    OpInfo{"admin.user.quota", &admin_user_quota, false, false, kAdmin, {}},
    OpInfo{"admin.user.role", &admin_user_role, false, false, kAdmin, {}},
};

// Over HTTP an anonymous route skips authentication: logout ends whatever token the cookie
// holds, even an expired one, and still clears the cookie.
bool needs_login(const OpInfo& op, const OpCall& call) {
  if (!op.requires_login) return false;
  return !(call.session.transport() == Transport::http && op.api.anonymous);
}

}  // namespace

std::span<const OpInfo> all_ops() { return kOps; }

const OpInfo* find_op(std::string_view name) {
  for (const auto& op : kOps) {
    if (op.name == name) return &op;
  }
  return nullptr;
}

const OpInfo* find_api_route(std::string_view route) {
  for (const auto& op : kOps) {
    if (!op.api.name.empty() && op.api.name == route) return &op;
  }
  return nullptr;
}

const OpInfo& files_op(FilesRole role) {
  for (const auto& op : kOps) {
    if (op.files == role) return op;
  }
  throw std::logic_error("no op for this /files role");  // a row is missing: a bug
}

namespace {

// A connection that logged in with a token ends with that token: when any login has been
// ended since this session last looked (logout --all, passwd, an administrator's disable or
// delete), its token is checked again and an ended one logs the session out. One atomic load
// per request otherwise. HTTP checks its cookie on every request anyway. When the user was
// disabled, the session remembers it, so the client learns why rather than a bare
// not_logged_in (see admit).
void drop_ended_login(Session& session) {
  if (session.transport() == Transport::http) return;
  auto& accounts = session.server().accounts;
  auto revocations = accounts.revocations();
  if (session.revocations_seen() == revocations) return;
  session.set_revocations_seen(revocations);
  if (!session.user() || !session.has_token()) return;
  auto still = accounts.resume(session.token());
  // An expired token keeps its connection, as it always has; only an ended one is dropped.
  if (still || still.error().code == Errc::session_expired) return;
  auto record = accounts.find_user(*session.user());
  session.log_out();
  if (record && record->state == storage::AccountState::disabled) session.set_ended_by_disable();
}

Error login_needed(const OpInfo& op, const Session& session) {
  if (session.ended_by_disable()) {
    return make_error(Errc::account_disabled,
                      "your account was disabled; ask the server administrator");
  }
  return make_error(Errc::not_logged_in, fmt::format("{} needs you to log in first", op.name));
}

// An admin_role op outside the admin transport: only for a user whose role is admin.
Status check_admin_role(const OpInfo& op, const OpCall& call) {
  if (!op.admin_role || call.session.transport() == Transport::admin) return {};
  const auto& user = call.session.user();
  if (!user) {
    return make_error(Errc::not_logged_in, fmt::format("{} needs you to log in first", op.name));
  }
  auto record = call.server.accounts.find_user(*user);
  if (!record || record->role != storage::UserRole::admin) {
    return make_error(Errc::permission_denied, "only an administrator may see this");
  }
  return {};
}

// The op's record (server/telemetry/op_trace.h): finished here, or for an op that moves a
// stream handed to the transport in the reply, to be finished once the bytes have moved.
void attach_trace(telemetry::Metrics& metrics, const OpInfo* op, const OpCall& call,
                  telemetry::OpClock::time_point started, OpResult& result) {
  if (!result.ok()) {
    telemetry::OpTrace refused(metrics, op, call, started, result.error().code,
                               telemetry::Direction::none);
    return;  // `refused` is finished as it goes
  }
  auto& reply = *result;
  auto stream = reply.stream_in    ? telemetry::Direction::in
                : reply.stream_out ? telemetry::Direction::out
                                   : telemetry::Direction::none;
  telemetry::OpTrace trace(metrics, op, call, started, std::nullopt, stream);
  if (stream != telemetry::Direction::none) reply.trace = std::move(trace);
}

}  // namespace

Status admit(const OpInfo* op, std::string_view name, const OpCall& call) {
  drop_ended_login(call.session);
  if (op == nullptr || (op->transports & transport_bit(call.session.transport())) == 0) {
    return make_error(Errc::unknown_op, fmt::format("unknown op \"{}\"", name));
  }
  if (needs_login(*op, call) && !call.session.user()) return login_needed(*op, call.session);
  return check_admin_role(*op, call);
}

namespace {

boost::asio::awaitable<OpResult> run_admitted(const OpInfo* op, std::string_view name,
                                              OpCall& call) {
  if (auto admitted = admit(op, name, call); !admitted) co_return std::move(admitted).error();
  try {
    co_return co_await op->run(call);
  } catch (const std::exception& ex) {
    // what() may name server paths (std::filesystem_error does): it goes to the log only.
    spdlog::error("{} threw: {}", op->name, ex.what());
    co_return make_error(Errc::internal_error, fmt::format("{} failed: internal error", op->name));
  }
}

}  // namespace

boost::asio::awaitable<OpResult> dispatch(const OpInfo* op, std::string_view name, OpCall& call) {
  auto started = telemetry::OpClock::now();
  auto result = co_await run_admitted(op, name, call);
  attach_trace(call.server.metrics, op, call, started, result);
  co_return std::move(result);
}

}  // namespace netdisk::server::ops
