#include "server/http/connection_registry.h"

#include <vector>

#include <boost/asio/post.hpp>

namespace netdisk::server::http {

std::uint64_t ConnectionRegistry::add(boost::asio::any_io_executor executor,
                                   boost::asio::ip::tcp::socket& socket, bool& closing) {
  std::lock_guard lock(mutex_);
  auto id = ++next_id_;
  entries_.emplace(id, Entry{std::move(executor), &socket, &closing});
  // A connection accepted just as the server began stopping finishes its first request and goes.
  if (stopping_) closing = true;
  return id;
}

void ConnectionRegistry::remove(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  entries_.erase(id);
}

void ConnectionRegistry::set_idle(std::uint64_t id, bool idle) {
  std::lock_guard lock(mutex_);
  if (auto it = entries_.find(id); it != entries_.end()) it->second.idle = idle;
}

void ConnectionRegistry::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  post_to_all(Action::stop);
}

void ConnectionRegistry::close_all() { post_to_all(Action::close); }

bool ConnectionRegistry::stopping() const {
  std::lock_guard lock(mutex_);
  return stopping_;
}

std::size_t ConnectionRegistry::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

void ConnectionRegistry::post_to_all(Action action) {
  std::vector<std::pair<std::uint64_t, boost::asio::any_io_executor>> targets;
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, entry] : entries_) targets.emplace_back(id, entry.executor);
  }
  for (auto& [id, executor] : targets) {
    boost::asio::post(executor, [this, id = id, action] { act(id, action); });
  }
}

void ConnectionRegistry::act(std::uint64_t id, Action action) {
  // Runs on the connection's own thread, so the connection cannot end (and unregister) meanwhile.
  std::lock_guard lock(mutex_);
  auto it = entries_.find(id);
  if (it == entries_.end()) return;
  auto& entry = it->second;
  *entry.closing = true;
  if (action == Action::close || entry.idle) {
    boost::system::error_code ignored;
    entry.socket->shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
    entry.socket->close(ignored);
  }
}

}  // namespace netdisk::server::http
