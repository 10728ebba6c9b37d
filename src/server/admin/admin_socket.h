// AdminSocket: the administrator's way into a running server. A unix stream socket at
// <data>/admin.sock, mode 0600 inside the 0700 data folder, so only the account netdiskd runs
// as (and root) can connect: that permission is the authentication. It speaks the NetDisk
// framing (docs/PROTOCOL.md, section 1) with no handshake: each request frame gets one reply
// frame, and only the admin ops of the op table (ops/admin_ops.h) are reachable, on the
// `admin` transport. `netdiskd admin` is its client (admin/admin_command.h). Runs on one I/O
// worker's io_context; start() and stop() on that worker's thread or before it runs.
#pragma once

#include <filesystem>
#include <memory>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

namespace netdisk::server {

struct Services;

inline constexpr const char* kAdminSocketName = "admin.sock";

// The address to bind or connect to for the admin socket of the folder open as `dir_fd`:
// /proc/self/fd/<fd>/admin.sock, which stays within sun_path's 108 bytes however long the data
// folder's own path is.
std::string admin_socket_address(int dir_fd);

class AdminSocket {
 public:
  AdminSocket(boost::asio::io_context& context, Services& server);
  ~AdminSocket();

  // Binds <data>/admin.sock (replacing a stale one: the data lock says no other server owns
  // this folder) and accepts. Throws std::runtime_error with a message for the administrator.
  void start();
  // Stops accepting and removes the socket file; connections in progress finish their request.
  void stop();

 private:
  struct State;
  static boost::asio::awaitable<void> accept_loop(std::shared_ptr<State> state);
  std::shared_ptr<State> state_;
};

}  // namespace netdisk::server
