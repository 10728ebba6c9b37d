#include "server/io_workers.h"

#include <boost/asio/post.hpp>

namespace netdisk::server {

IoWorkers::IoWorkers(unsigned threads) {
  if (threads == 0) threads = 1;
  for (unsigned i = 0; i < threads; ++i) workers_.push_back(std::make_unique<IoWorker>());
}

IoWorkers::~IoWorkers() {
  stop();
  join();
}

IoWorker& IoWorkers::next() noexcept {
  return *workers_[next_.fetch_add(1, std::memory_order_relaxed) % workers_.size()];
}

void IoWorkers::for_each(const std::function<void(IoWorker&)>& fn) {
  for (auto& worker : workers_) {
    boost::asio::post(worker->context, [&worker = *worker, fn] { fn(worker); });
  }
}

void IoWorkers::start() {
  for (auto& worker : workers_) {
    guards_.push_back(std::make_unique<boost::asio::executor_work_guard<
                          boost::asio::io_context::executor_type>>(worker->context.get_executor()));
    threads_.emplace_back([&context = worker->context] { context.run(); });
  }
}

void IoWorkers::stop() {
  guards_.clear();
  for (auto& worker : workers_) worker->context.stop();
}

void IoWorkers::join() {
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
  threads_.clear();
}

}  // namespace netdisk::server
