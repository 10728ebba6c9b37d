// ConnectionRegistry: the live HTTP connections, so a graceful shutdown can reach them. Each
// connection registers its socket and says whether it is idle (between requests) or busy. stop()
// closes the idle ones and asks the busy ones to finish their response with
// "Connection: close"; close_all() ends the rest after the grace period. The registry is
// touched from any thread under one mutex; every action on a connection is posted to that
// connection's own executor and re-checks that it is still registered, so it never
// touches a connection that has already ended.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <unordered_map>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace netdisk::server::http {

class ConnectionRegistry {
 public:
  // `socket` and `closing` belong to the connection and live until remove(). Connection thread.
  std::uint64_t add(boost::asio::any_io_executor executor, boost::asio::ip::tcp::socket& socket,
                    bool& closing);
  void remove(std::uint64_t id);
  // Idle: waiting for the next request, so it may be closed at once on shutdown.
  void set_idle(std::uint64_t id, bool idle);

  // Any thread.
  void stop();
  void close_all();
  bool stopping() const;
  std::size_t size() const;

 private:
  struct Entry {
    boost::asio::any_io_executor executor;
    boost::asio::ip::tcp::socket* socket;
    bool* closing;
    bool idle = true;
  };
  enum class Action { stop, close };
  void post_to_all(Action action);
  void act(std::uint64_t id, Action action);

  mutable std::mutex mutex_;
  std::unordered_map<std::uint64_t, Entry> entries_;
  std::uint64_t next_id_ = 0;
  bool stopping_ = false;
};

}  // namespace netdisk::server::http
