#include "server/sendfile_loop.h"

#include <sys/sendfile.h>

#include <algorithm>
#include <cerrno>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "server/tcp_socket.h"

namespace netdisk::server {

namespace asio = boost::asio;

template <class Socket>
asio::awaitable<Status> sendfile_to_socket(Socket& socket, int fd, std::uint64_t offset,
                                           std::uint64_t length,
                                           const std::function<bool(std::size_t)>& on_progress) {
  socket.native_non_blocking(true);
  auto position = static_cast<off_t>(offset);
  while (length > 0) {
    // At most 1 GiB per call: the kernel caps a single sendfile at 2 GiB anyway. A short send
    // (the socket buffer filled up) just loops; `position` has advanced by what was sent.
    auto chunk = static_cast<std::size_t>(std::min<std::uint64_t>(length, 1u << 30));
    ssize_t n = ::sendfile(socket.native_handle(), fd, &position, chunk);
    if (n > 0) {
      length -= static_cast<std::uint64_t>(n);
      if (!on_progress(static_cast<std::size_t>(n))) {
        co_return make_error(Errc::timeout, "the transfer was stopped");
      }
      continue;
    }
    if (n == 0) co_return make_error(Errc::size_mismatch, "the file shrank while being sent");
    if (errno == EINTR) continue;
    if (errno != EAGAIN) {
      co_return make_error(Errc::size_mismatch, "the client went away during a download");
    }
    auto [ec] = co_await socket.async_wait(asio::socket_base::wait_write,
                                           asio::as_tuple(asio::use_awaitable));
    if (ec) co_return make_error(Errc::size_mismatch, "the client went away during a download");
  }
  co_return Status{};
}

template asio::awaitable<Status> sendfile_to_socket(asio::ip::tcp::socket&, int, std::uint64_t,
                                                    std::uint64_t,
                                                    const std::function<bool(std::size_t)>&);
template asio::awaitable<Status> sendfile_to_socket(TcpSocket&, int, std::uint64_t, std::uint64_t,
                                                    const std::function<bool(std::size_t)>&);

}  // namespace netdisk::server
