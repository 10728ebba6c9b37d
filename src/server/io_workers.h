// IoWorkers: one io_context per I/O thread ("one loop per thread"). Each connection lives on
// one worker for its whole life, so its coroutines never race and need no strand. Each worker
// keeps the set of its TCP connections (asked to stop on shutdown) and its Deadlines (swept once
// a second: server/deadlines.h), both touched only from its own thread.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <thread>
#include <unordered_set>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "server/deadlines.h"

namespace netdisk::server {

class Connection;

struct IoWorker {
  boost::asio::io_context context{1};
  std::unordered_set<Connection*> connections;  // only touched on `context`'s thread
  Deadlines deadlines;                          // likewise
};

class IoWorkers {
 public:
  explicit IoWorkers(unsigned threads);
  ~IoWorkers();

  unsigned size() const noexcept { return static_cast<unsigned>(workers_.size()); }
  IoWorker& at(unsigned index) { return *workers_[index]; }
  // Round-robin choice of the worker for the next connection.
  IoWorker& next() noexcept;

  // Runs `fn(worker)` on every worker's own thread.
  void for_each(const std::function<void(IoWorker&)>& fn);

  // Starts the threads; each runs its io_context until stop().
  void start();
  void stop();
  void join();

 private:
  std::vector<std::unique_ptr<IoWorker>> workers_;
  std::vector<std::unique_ptr<boost::asio::executor_work_guard<
      boost::asio::io_context::executor_type>>> guards_;
  std::vector<std::thread> threads_;
  std::atomic<unsigned> next_{0};
};

}  // namespace netdisk::server
