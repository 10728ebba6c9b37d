#include "server/transfer/transfer_engine.h"

#include "server/sendfile_loop.h"
#include "server/tcp_socket.h"

namespace netdisk::server::transfer {

template <class Socket>
boost::asio::awaitable<Status> send_zero_copy(Socket& socket, int fd, std::uint64_t offset,
                                              std::uint64_t length, TransferEnv env) {
  env.pace.start();
  detail::Transfer<Socket> transfer(socket, env);
  // Each call that moved bytes counts towards the pace; a trickle stops the loop there.
  std::function<bool(std::size_t)> on_progress = [&transfer](std::size_t bytes) {
    transfer.pace().note(bytes);
    if (!transfer.pace().expired()) return true;
    transfer.mark_trickled();
    return false;
  };
  auto sent = co_await sendfile_to_socket(socket, fd, offset, length, on_progress);
  if (sent.ok()) co_return sent;
  co_return transfer.send_failed(std::move(sent).error());
}

template boost::asio::awaitable<Status> send_zero_copy(boost::asio::ip::tcp::socket&, int,
                                                       std::uint64_t, std::uint64_t, TransferEnv);
template boost::asio::awaitable<Status> send_zero_copy(TcpSocket&, int, std::uint64_t,
                                                       std::uint64_t, TransferEnv);

}  // namespace netdisk::server::transfer
