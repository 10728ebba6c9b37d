#include "server/op_table.h"

#include <array>
#include <exception>

#include <fmt/format.h>

#include "server/connection.h"
#include "server/handlers/account_ops.h"
#include "server/handlers/basic_ops.h"
#include "server/handlers/chat_ops.h"
#include "server/handlers/file_ops.h"
#include "server/handlers/transfer_ops.h"

namespace netdisk::server {
namespace {

// Every op the server knows. Features add their rows here.
constexpr std::array kOps = {
    OpInfo{"hello", &handlers::hello, false},
    OpInfo{"ping", &handlers::ping, false},
    OpInfo{"register", &handlers::register_user, false},
    OpInfo{"login", &handlers::login, false},
    OpInfo{"logout", &handlers::logout, true},
    OpInfo{"whoami", &handlers::whoami, true},
    OpInfo{"list", &handlers::list, true},
    OpInfo{"stat", &handlers::stat, true},
    OpInfo{"mkdir", &handlers::make_directory, true},
    OpInfo{"remove", &handlers::remove, true},
    OpInfo{"rename", &handlers::rename, true},
    OpInfo{"checksum", &handlers::checksum, true},
    OpInfo{"upload", &handlers::upload, true},
    OpInfo{"upload.data", &handlers::upload_data, true},
    OpInfo{"download", &handlers::download, true},
    OpInfo{"chat.join", &handlers::chat_join, true},
    OpInfo{"chat.send", &handlers::chat_send, true},
    OpInfo{"chat.private", &handlers::chat_private, true},
    OpInfo{"chat.who", &handlers::chat_who, true},
    OpInfo{"chat.leave", &handlers::chat_leave, true},
};

const OpInfo* find_op(std::string_view name) {
  for (const auto& op : kOps) {
    if (op.name == name) return &op;
  }
  return nullptr;
}

}  // namespace

boost::asio::awaitable<HandlerResult> dispatch(Connection& connection,
                                               protocol::Request& request) {
  const OpInfo* op = find_op(request.op);
  if (op == nullptr) {
    co_return make_error(Errc::unknown_op, fmt::format("unknown op \"{}\"", request.op));
  }
  if (op->requires_login && !connection.user()) {
    co_return make_error(Errc::not_logged_in, fmt::format("{} needs you to log in first", op->name));
  }
  RequestContext context{connection, request};
  try {
    co_return co_await op->handler(context);
  } catch (const std::exception& ex) {
    co_return make_error(Errc::internal_error, fmt::format("{} failed: {}", op->name, ex.what()));
  }
}

}  // namespace netdisk::server
