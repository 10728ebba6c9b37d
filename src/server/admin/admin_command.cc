#include "server/admin/admin_command.h"

#include <fcntl.h>

#include <optional>
#include <stdexcept>

#include <fmt/format.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "protocol/frame.h"
#include "protocol/message.h"
#include "server/admin/admin_cluster_registration.h"
#include "server/admin/admin_socket.h"
#include "server/ops/op_table.h"
#include "server/ops/session.h"
#include "server/services.h"
#include "storage/data_lock.h"
#include "storage/unique_fd.h"

namespace netdisk::server {
namespace {

namespace asio = boost::asio;
using local = asio::local::stream_protocol;

Result<nlohmann::json> reply_fields(std::string_view payload) {
  auto reply = protocol::parse_reply(payload);
  if (!reply) return std::move(reply).error();
  if (!reply->ok) return reply->error.value_or(make_error(Errc::internal_error, "no error given"));
  reply->body.erase("id");  // the framing's, not the answer's
  reply->body.erase("ok");
  return std::move(reply->body);
}

// One request through the running server's socket; nullopt when no server listens there.
std::optional<Result<nlohmann::json>> through_socket(const std::filesystem::path& path,
                                                     const AdminRequest& request) {
  asio::io_context io;
  local::socket socket(io);
  boost::system::error_code ec;
  storage::UniqueFd dir(::open(path.parent_path().c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!dir) return std::nullopt;  // no data folder: no server has run there
  socket.connect(local::endpoint(admin_socket_address(dir.get())), ec);
  if (ec == boost::system::errc::no_such_file_or_directory ||
      ec == boost::system::errc::connection_refused) {
    return std::nullopt;
  }
  auto failed = [&](std::string_view what) {
    return Result<nlohmann::json>(make_error(
        Errc::io_error, fmt::format("the server's admin socket {}: {}: {} (run this as the "
                                    "account netdiskd runs as, or as root)",
                                    path.string(), what, ec.message())));
  };
  if (ec) return failed("cannot connect");
  asio::write(socket, asio::buffer(protocol::encode_request(request.op, 1, request.fields)), ec);
  unsigned char header[protocol::kFrameHeaderBytes];
  if (!ec) asio::read(socket, asio::buffer(header), ec);
  if (ec) return failed("no answer");
  auto length = protocol::decode_frame_header(header);
  if (length == 0 || length > protocol::kMaxMaxFrameBytes) return failed("a malformed answer");
  std::string payload(length, '\0');
  asio::read(socket, asio::buffer(payload), ec);
  if (ec) return failed("a cut-off answer");
  return reply_fields(payload);
}

asio::awaitable<void> run_op(Services& services, const AdminRequest& request,
                             Result<nlohmann::json>& out) {
  ops::Session session(services, ops::Transport::admin, "local", 0);
  ops::OpCall call{services, session, request.fields, 1};
  auto result = co_await ops::dispatch(ops::find_op(request.op), request.op, call);
  if (result) {
    out = std::move(result->fields);
  } else {
    out = std::move(result).error();
  }
}

// The server is stopped: hold its data folder and run the op here, as netdiskd would.
Result<nlohmann::json> in_process(const ServerConfig& config, const AdminRequest& request) {
  // A mistyped --data must not quietly create an empty data folder.
  std::error_code ec;
  if (!std::filesystem::is_directory(config.data_dir, ec)) {
    return make_error(
        Errc::not_found,
        fmt::format("there is no data folder at {} (is --data right?)", config.data_dir.string()));
  }
  auto lock = storage::DataLock::acquire(config.data_dir);
  if (!lock) {
    return make_error(
        Errc::io_error,
        fmt::format("{}; yet its admin socket {} does not answer: is that server "
                    "still starting or stopping? Try again in a moment",
                    lock.error().message, (config.data_dir / kAdminSocketName).string()));
  }
  Result<nlohmann::json> out;
  try {
    Services services(config);
    asio::io_context io;
    asio::co_spawn(io, run_op(services, request, out), asio::detached);
    io.run();
    services.accounts.shutdown();
    services.blocking_pool.join();
  } catch (const std::exception& failure) {
    return make_error(Errc::io_error, failure.what());
  }
  return out;
}

}  // namespace

Result<AdminAnswer> run_admin_request(const ServerConfig& config, const AdminRequest& request) {
  // Cluster mode: the registration is the cluster's, changed in PostgreSQL, not on one node.
  if (auto answered = cluster_registration_request(config, request)) {
    if (!*answered) return std::move(*answered).error();
    return AdminAnswer{AdminRoute::in_process, std::move(**answered)};
  }
  if (auto answered = through_socket(config.data_dir / kAdminSocketName, request)) {
    if (!*answered) return std::move(*answered).error();
    return AdminAnswer{AdminRoute::socket, std::move(**answered)};
  }
  auto fields = in_process(config, request);
  if (!fields) return std::move(fields).error();
  return AdminAnswer{AdminRoute::in_process, std::move(*fields)};
}

}  // namespace netdisk::server
