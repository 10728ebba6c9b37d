#include "sessions.h"

#include <algorithm>
#include <stdexcept>

namespace netdisk::bench {

Clock::time_point deadline_of(const Options& options) {
  return Clock::now() + std::chrono::milliseconds(static_cast<long long>(options.timeout * 1000));
}

void expect_ok(const protocol::Reply& reply, std::string_view what) {
  if (reply.ok) return;
  std::string code = reply.error_code_name.empty() ? "?" : reply.error_code_name;
  std::string message = reply.error ? reply.error->message : "";
  throw std::runtime_error(std::string(what) + ": " + code + ": " + message);
}

std::string fetch_token(EventLoop& loop, const Options& options) {
  WireClient client(loop, options.port);
  std::string token, error;
  client.set_handler([&](WireClient& c, protocol::Reply& reply) {
    if (reply.event) return;
    if (!reply.ok) {
      error = reply.error_code_name + ": " + (reply.error ? reply.error->message : "");
      return c.close();
    }
    if (c.tag++ == 0) {
      c.request("login", {{"username", options.user}, {"password", options.password}});
    } else {
      token = reply.body.value("token", "");
    }
  });
  client.request("hello", {{"version", 1}, {"client", "netdisk-load"}});
  loop.run([&] { return !token.empty() || !error.empty() || !client.is_open(); },
           deadline_of(options));
  if (token.empty()) {
    throw std::runtime_error("login as " + options.user + " failed: " +
                             (error.empty() ? client.error() : error));
  }
  return token;
}

Clients open_http_connections(EventLoop& loop, const Options& options, unsigned n, Login login,
                      const std::string& token) {
  Clients clients;
  clients.reserve(n);
  unsigned ready = 0, in_setup = 0;
  std::string error;
  // tag: 0 hello sent, 1 login sent, 2 ready. A handler never clears itself (that would
  // destroy the running lambda); the handlers are reset once the loop has stopped.
  auto on_reply = [&](WireClient& c, protocol::Reply& reply) {
    if (reply.event || c.tag == 2) return;
    if (!reply.ok) {
      error = "session setup: " + reply.error_code_name + " " +
              (reply.error ? reply.error->message : "");
      return;
    }
    if (c.tag == 0 && login == Login::token) {
      c.tag = 1;
      c.request("login", {{"token", token}});
      return;
    }
    c.tag = 2;
    ++ready;
    --in_setup;
  };
  auto deadline = deadline_of(options);
  while (ready < n && error.empty()) {
    while (clients.size() < n && in_setup < options.setup_parallel) {
      clients.push_back(std::make_unique<WireClient>(loop, options.port));
      clients.back()->set_handler(on_reply);
      clients.back()->request("hello", {{"version", 1}, {"client", "netdisk-load"}});
      ++in_setup;
    }
    std::size_t target = std::min<std::size_t>(n, ready + std::max(1u, in_setup / 2));
    if (!loop.run([&] { return ready >= target || !error.empty(); }, deadline)) {
      throw std::runtime_error("session setup timed out with " + std::to_string(ready) + " of " +
                               std::to_string(n) + " ready");
    }
  }
  if (!error.empty()) throw std::runtime_error(error);
  for (auto& c : clients) {
    c->set_handler(nullptr);
    c->tag = 0;
  }
  return clients;
}

std::size_t call_all(EventLoop& loop, const Options& options, Clients& clients,
                     const std::string& op, std::string* first_error) {
  std::size_t answered = 0, errors = 0;
  for (auto& c : clients) {
    c->tag = 0;
    c->set_handler([&](WireClient& self, protocol::Reply& reply) {
      if (reply.event || self.tag != 0) return;
      self.tag = 1;
      if (!reply.ok) {
        if (errors++ == 0 && first_error) *first_error = reply.error_code_name;
      }
      ++answered;
    });
    c->request(op);
  }
  loop.run([&] { return answered == clients.size(); }, deadline_of(options));
  for (auto& c : clients) c->set_handler(nullptr);
  return errors + (clients.size() - answered);
}

}  // namespace netdisk::bench
