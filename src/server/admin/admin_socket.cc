#include "server/admin/admin_socket.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "protocol/frame.h"
#include "protocol/message.h"
#include "server/logging/component_log.h"
#include "server/ops/op_table.h"
#include "server/ops/session.h"
#include "server/services.h"
#include "storage/unique_fd.h"

namespace netdisk::server {
namespace {

namespace asio = boost::asio;
using local = asio::local::stream_protocol;
constexpr auto kAsTuple = asio::as_tuple(asio::use_awaitable);

// One request, answered. Only ops on the admin transport are found: the rest are unknown_op.
asio::awaitable<std::string> answer(Services& server, ops::Session& session,
                                    std::string_view payload) {
  protocol::Request request;
  if (auto parsed = protocol::parse_request(payload, request); !parsed) {
    co_return protocol::encode_error(request.id, parsed.error());
  }
  ops::OpCall call{server, session, request.body, request.id};
  const ops::OpInfo* op = ops::find_op(request.op);
  auto result = co_await ops::dispatch(op, request.op, call);
  if (!result) co_return protocol::encode_error(request.id, result.error());
  co_return protocol::encode_reply(request.id, std::move(result->fields));
}

// Frames in, one reply each, until the peer closes or sends something that is not a frame.
asio::awaitable<void> serve(local::socket socket, Services& server, std::uint64_t serial) {
  ops::Session session(server, ops::Transport::admin, "local", serial);
  std::array<unsigned char, protocol::kFrameHeaderBytes> header{};
  while (true) {
    auto [ec, n] = co_await asio::async_read(socket, asio::buffer(header), kAsTuple);
    if (ec) break;
    auto length = protocol::decode_frame_header(header.data());
    if (length == 0 || length > protocol::kDefaultMaxFrameBytes) {
      auto refusal = protocol::encode_error(
          0, make_error(length == 0 ? Errc::bad_frame : Errc::frame_too_large,
                        "an admin request is one frame of at most 1 MiB"));
      co_await asio::async_write(socket, asio::buffer(refusal), kAsTuple);
      break;
    }
    std::string payload(length, '\0');
    auto [read_ec, m] = co_await asio::async_read(socket, asio::buffer(payload), kAsTuple);
    if (read_ec) break;
    std::string reply = co_await answer(server, session, payload);
    auto [write_ec, w] = co_await asio::async_write(socket, asio::buffer(reply), kAsTuple);
    if (write_ec) break;
  }
}

}  // namespace

std::string admin_socket_address(int dir_fd) {
  return fmt::format("/proc/self/fd/{}/{}", dir_fd, kAdminSocketName);
}

struct AdminSocket::State {
  State(asio::io_context& context, Services& services)
      : acceptor(context), server(services), path(services.layout.data_dir() / kAdminSocketName) {}
  local::acceptor acceptor;
  Services& server;
  std::filesystem::path path;  // for messages and removal
  storage::UniqueFd dir;       // the data folder, to bind through (admin_socket_address)
  std::uint64_t serial = 0;
};

AdminSocket::AdminSocket(asio::io_context& context, Services& server)
    : state_(std::make_shared<State>(context, server)) {}

AdminSocket::~AdminSocket() { stop(); }

void AdminSocket::start() {
  auto& state = *state_;
  std::error_code removed;
  std::filesystem::remove(state.path, removed);  // a stale socket of a server that died
  boost::system::error_code ec;
  state.dir.reset(::open(state.path.parent_path().c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!state.dir) ec.assign(errno, boost::system::system_category());
  if (!ec) state.acceptor.open(local(), ec);
  // The socket file is created by bind: a umask of 077 makes it 0600 from the start, so there
  // is no moment at which another account could connect.
  mode_t old_mask = ::umask(077);
  if (!ec) state.acceptor.bind(local::endpoint(admin_socket_address(state.dir.get())), ec);
  ::umask(old_mask);
  // Read and write are what connecting takes; a socket has no use for the execute bit.
  if (!ec && ::fchmodat(state.dir.get(), kAdminSocketName, 0600, 0) != 0) {
    ec.assign(errno, boost::system::system_category());
  }
  if (!ec) state.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    throw std::runtime_error(
        fmt::format("cannot open the admin socket {}: {}", state.path.string(), ec.message()));
  }
  asio::co_spawn(state.acceptor.get_executor(), accept_loop(state_), asio::detached);
}

asio::awaitable<void> AdminSocket::accept_loop(std::shared_ptr<State> state) {
  while (state->acceptor.is_open()) {
    auto [ec, socket] = co_await state->acceptor.async_accept(kAsTuple);
    if (ec) {
      if (!state->acceptor.is_open()) break;
      log_of(LogComponent::admin).warn("admin socket: accept: {}", ec.message());
      continue;
    }
    asio::co_spawn(state->acceptor.get_executor(),
                   serve(std::move(socket), state->server, ++state->serial), asio::detached);
  }
}

void AdminSocket::stop() {
  if (!state_->acceptor.is_open()) return;
  boost::system::error_code ignored;
  state_->acceptor.close(ignored);
  std::error_code removed;
  std::filesystem::remove(state_->path, removed);
}

}  // namespace netdisk::server
