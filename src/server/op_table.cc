#include "server/op_table.h"

#include <array>
#include <exception>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "server/connection.h"
#include "server/handlers/account_ops.h"
#include "server/handlers/basic_ops.h"
#include "server/handlers/chat_ops.h"
#include "server/handlers/file_ops.h"
#include "server/handlers/transfer_ops.h"
#include "server/stream_io.h"

namespace netdisk::server {
namespace {

// Every op the server knows. Features add their rows here: name, handler, whether it needs a
// logged-in connection, and whether its handler reads the raw stream its request declares.
constexpr std::array kOps = {
    OpInfo{"hello", &handlers::hello, false, false},
    OpInfo{"ping", &handlers::ping, false, false},
    OpInfo{"register", &handlers::register_user, false, false},
    OpInfo{"login", &handlers::login, false, false},
    OpInfo{"logout", &handlers::logout, true, false},
    OpInfo{"whoami", &handlers::whoami, true, false},
    OpInfo{"list", &handlers::list, true, false},
    OpInfo{"stat", &handlers::stat, true, false},
    OpInfo{"mkdir", &handlers::make_directory, true, false},
    OpInfo{"remove", &handlers::remove, true, false},
    OpInfo{"rename", &handlers::rename, true, false},
    OpInfo{"checksum", &handlers::checksum, true, false},
    OpInfo{"upload", &handlers::upload, true, false},
    OpInfo{"upload.data", &handlers::upload_data, true, true},
    OpInfo{"download", &handlers::download, true, false},
    OpInfo{"chat.join", &handlers::chat_join, true, false},
    OpInfo{"chat.send", &handlers::chat_send, true, false},
    OpInfo{"chat.private", &handlers::chat_private, true, false},
    OpInfo{"chat.who", &handlers::chat_who, true, false},
    OpInfo{"chat.leave", &handlers::chat_leave, true, false},
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
  bool admitted = op != nullptr && (!op->requires_login || connection.user());
  if ((!admitted || !op->takes_stream) && request.body.contains("stream")) {
    // Nobody will read the stream this request declares: drop it here, or its bytes would be
    // taken for the next frames (a file's content run as requests).
    auto skipped = co_await skip_declared_stream(connection, request.body);
    if (!skipped) co_return std::move(skipped).error();
    if (*skipped && admitted) {
      co_return make_error(Errc::bad_request,
                           fmt::format("{} takes no stream; its {} bytes were read and dropped",
                                       op->name, **skipped));
    }
  }
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
    // what() may name server paths (std::filesystem_error does): it goes to the log only.
    spdlog::error("{} threw: {}", op->name, ex.what());
    co_return make_error(Errc::internal_error, fmt::format("{} failed: internal error", op->name));
  }
}

}  // namespace netdisk::server
