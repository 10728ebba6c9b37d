// ChoppingProxy: a loopback TCP proxy for tests of a hostile network. It forwards each
// connection to a target port in random small pieces (1..max_piece bytes, with random short
// pauses) and can cut a connection once a number of bytes has passed. Runs its own threads
// (an acceptor, two pumps per connection); the destructor stops and joins them all.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace netdisk::e2e {

class ChoppingProxy {
 public:
  struct Options {
    std::size_t max_piece = 7;               // each write carries 1..max_piece bytes
    std::chrono::microseconds max_pause{0};  // before some writes, a pause of up to this
    std::uint32_t seed = 1;
  };
  // Listens on 127.0.0.1 (ephemeral port) and forwards to 127.0.0.1:target_port.
  ChoppingProxy(std::uint16_t target_port, Options options);
  ~ChoppingProxy();
  ChoppingProxy(const ChoppingProxy&) = delete;
  ChoppingProxy& operator=(const ChoppingProxy&) = delete;

  std::uint16_t port() const { return port_; }
  // Connections accepted from now on are cut (both sides shut down) once `bytes` have passed
  // through them, counting both directions; 0 means never.
  void cut_after(std::uint64_t bytes) { cut_after_ = bytes; }
  // How many connections have been cut so far.
  unsigned cuts() const { return cuts_; }
  // Bytes forwarded so far, both directions, all connections.
  std::uint64_t forwarded() const { return forwarded_; }

 private:
  struct Link;
  void accept_loop();
  void pump(std::shared_ptr<Link> link, bool to_server, std::uint32_t seed);

  std::uint16_t target_port_;
  Options options_;
  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> cut_after_{0};
  std::atomic<unsigned> cuts_{0};
  std::atomic<std::uint64_t> forwarded_{0};
  std::mutex mutex_;
  std::vector<std::thread> threads_;  // pumps; guarded by mutex_
  std::thread acceptor_;
};

}  // namespace netdisk::e2e
