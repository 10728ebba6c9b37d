// Chat fan-out: one sender, N receivers. The sender puts its send time into each message's text;
// each receiver measures send -> receipt latency (one process, one clock). Up to
// Options::window messages are in flight; the next goes out when one has reached every
// receiver. The same driver runs over NetDisk chat (docs/PROTOCOL.md section 9) and over
// redis PUBLISH/SUBSCRIBE (a minimal RESP client below), so the two compare like for like.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "modes.h"
#include "sessions.h"
#include "stats.h"

namespace netdisk::bench {
namespace {

class FanOut {
 public:
  FanOut(const Options& options, std::function<void(const std::string&)> send)
      : receivers_(options.conns), messages_(options.messages),
        window_(std::max(1u, options.window)), got_(options.messages, 0), send_(std::move(send)) {}

  void pump() {
    while (sent_ < messages_ && sent_ - complete_ < window_) {
      auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - base_).count();
      send_(std::to_string(sent_) + " " + std::to_string(ns) + " netdisk-load chat fan-out");
      ++sent_;
    }
  }

  void on_text(std::string_view text) {
    unsigned seq = 0;
    long long ns = 0;
    auto space = text.find(' ');
    if (space == std::string_view::npos) return ++stray_, void();
    std::from_chars(text.data(), text.data() + space, seq);
    std::from_chars(text.data() + space + 1, text.data() + text.size(), ns);
    if (seq >= messages_) return ++stray_, void();
    latency_.add(Clock::now() - (base_ + std::chrono::nanoseconds(ns)));
    if (++got_[seq] == receivers_) {
      ++complete_;
      pump();
    }
  }

  bool done() const { return complete_ >= messages_; }
  Record record(const Options& options, double seconds, double server_cpu) {
    Record r = base_record(options);
    r["receivers"] = receivers_;
    r["messages"] = complete_;
    r["window"] = window_;
    r["seconds"] = seconds;
    r["msgs_per_s"] = static_cast<double>(complete_) / seconds;
    r["deliveries_per_s"] = static_cast<double>(latency_.count()) / seconds;
    r["p50_ms"] = latency_.percentile_ms(50);
    r["p99_ms"] = latency_.percentile_ms(99);
    r["max_ms"] = latency_.percentile_ms(100);
    r["server_cpu_s"] = server_cpu;
    r["stray"] = stray_;
    return r;
  }

 private:
  unsigned receivers_, messages_, window_;
  std::uint64_t sent_ = 0, complete_ = 0, stray_ = 0;
  std::vector<unsigned> got_;
  Latencies latency_;
  Clock::time_point base_ = Clock::now();
  std::function<void(const std::string&)> send_;
};

// A minimal redis connection: RESP arrays out, every complete top-level value in, flattened
// to its strings (enough for SUBSCRIBE confirmations, pushed messages and PUBLISH replies).
class RespClient final : public IoHandler {
 public:
  using ValueHandler = std::function<void(const std::vector<std::string_view>&)>;

  RespClient(EventLoop& loop, std::uint16_t port) : loop_(loop) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::runtime_error(std::string("socket: ") + strerror(errno));
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 && errno != EINPROGRESS) {
      throw std::runtime_error(std::string("connect to redis: ") + strerror(errno));
    }
    loop_.watch(fd_, this, true);
  }
  ~RespClient() override {
    loop_.unwatch(fd_);
    ::close(fd_);
  }
  RespClient(const RespClient&) = delete;
  RespClient& operator=(const RespClient&) = delete;

  void command(std::initializer_list<std::string_view> args) {
    out_ += "*" + std::to_string(args.size()) + "\r\n";
    for (auto a : args) {
      out_ += "$" + std::to_string(a.size()) + "\r\n";
      out_.append(a);
      out_ += "\r\n";
    }
    flush();
  }
  void set_handler(ValueHandler handler) { handler_ = std::move(handler); }
  const std::string& error() const { return error_; }

 private:
  void on_io(std::uint32_t events) override {
    if (!error_.empty()) return;
    if (events & EPOLLOUT) flush();
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP)) read_some();
  }
  void flush() {
    while (sent_ < out_.size()) {
      ssize_t n = ::send(fd_, out_.data() + sent_, out_.size() - sent_, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EAGAIN || errno == ENOTCONN || errno == EINTR) break;
        error_ = std::string("send: ") + strerror(errno);
        return;
      }
      sent_ += static_cast<std::size_t>(n);
    }
    if (sent_ == out_.size()) {
      out_.clear();
      sent_ = 0;
    }
    bool want = !out_.empty();
    if (want != want_write_) loop_.update(fd_, this, want_write_ = want);
  }
  void read_some() {
    char buf[65536];
    ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n <= 0) {
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
      error_ = "redis closed the connection";
      loop_.unwatch(fd_);
      return;
    }
    in_.append(buf, static_cast<std::size_t>(n));
    std::size_t pos = 0;
    std::vector<std::string_view> parts;
    while (true) {
      parts.clear();
      std::size_t at = pos;
      if (!parse(at, parts)) break;
      pos = at;
      if (handler_) handler_(parts);
    }
    in_.erase(0, pos);
  }
  // One RESP value from in_ at `at`; false when incomplete.
  bool parse(std::size_t& at, std::vector<std::string_view>& parts) {
    auto eol = in_.find("\r\n", at);
    if (eol == std::string::npos) return false;
    char type = in_[at];
    long long n = 0;
    std::from_chars(in_.data() + at + 1, in_.data() + eol, n);
    if (type == '*') {
      at = eol + 2;
      for (long long i = 0; i < n; ++i) {
        if (!parse(at, parts)) return false;
      }
      return true;
    }
    if (type == '$') {
      if (n < 0) return at = eol + 2, true;
      auto need = eol + 2 + static_cast<std::size_t>(n) + 2;
      if (in_.size() < need) return false;
      parts.emplace_back(in_.data() + eol + 2, static_cast<std::size_t>(n));
      at = need;
      return true;
    }
    parts.emplace_back(in_.data() + at, eol - at);  // +simple, -error, :integer
    at = eol + 2;
    return true;
  }

  EventLoop& loop_;
  int fd_ = -1;
  bool want_write_ = true;
  std::string out_, in_, error_;
  std::size_t sent_ = 0;
  ValueHandler handler_;
};

}  // namespace

Record run_chat(const Options& options) {
  EventLoop loop;
  std::string token = fetch_token(loop, options);
  Clients clients = open_http_connections(loop, options, options.conns + 1, Login::token, token);
  // Probe once: a server without chat answers unknown_op, which is "not measured", not a failure.
  std::string code;
  clients[0]->tag = 0;
  std::size_t errors = call_all(loop, options, clients, "chat.join", &code);
  if (code == "unknown_op") {
    Record record = base_record(options);
    record["status"] = "not_measured";
    record["reason"] = "server answers chat.join with unknown_op";
    return record;
  }
  if (errors > 0) throw std::runtime_error("chat.join: " + std::to_string(errors) + " errors, " + code);
  // Joining members are announced to everyone (chat.joined), and a previous run's members
  // leaving are too (chat.left): O(N^2) events. Wait until that storm has passed (no event
  // for 300 ms) so it does not count as fan-out latency.
  auto last_event = Clock::now();
  for (auto& c : clients) {
    c->set_handler([&last_event](WireClient&, protocol::Reply&) { last_event = Clock::now(); });
  }
  loop.run([&] { return Clock::now() - last_event > std::chrono::milliseconds(300); },
           deadline_of(options));
  WireClient& sender = *clients.back();
  FanOut fan(options, [&sender](const std::string& text) { sender.request("chat.send", {{"text", text}}); });
  std::string failure;
  for (std::size_t i = 0; i + 1 < clients.size(); ++i) {
    clients[i]->set_frame_filter([&fan](std::string_view payload) {
      // Our own texts hold no escapes, so the text is the bytes up to the next quote; anything
      // else (other events, replies) goes through the full parser.
      constexpr std::string_view kEvent = "\"event\":\"chat.message\"", kText = "\"text\":\"";
      if (payload.find(kEvent) == std::string_view::npos) return false;
      auto at = payload.find(kText);
      if (at == std::string_view::npos) return false;
      at += kText.size();
      auto end = payload.find('"', at);
      if (end == std::string_view::npos) return false;
      fan.on_text(payload.substr(at, end - at));
      return true;
    });
    clients[i]->set_handler([&](WireClient&, protocol::Reply& reply) {
      if (reply.event && *reply.event == "chat.message") {
        fan.on_text(reply.body.value("text", ""));
      } else if (reply.event && *reply.event == "chat.dropped") {
        failure = "a receiver was dropped: " + reply.body.value("reason", "");
      } else if (!reply.ok && !reply.event) {
        failure = "receiver: " + reply.error_code_name;
      }
    });
  }
  sender.set_handler([&](WireClient&, protocol::Reply& reply) {
    if (!reply.event && !reply.ok) failure = "chat.send: " + reply.error_code_name;
  });
  ProcessProbe server(options.server_pid);
  double cpu0 = server.cpu_seconds();
  auto t0 = Clock::now();
  fan.pump();
  bool finished = loop.run([&] { return fan.done() || !failure.empty(); }, deadline_of(options));
  double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  if (!failure.empty() || !finished) throw std::runtime_error("chat: " + (failure.empty() ? "timed out" : failure));
  return fan.record(options, seconds, server.cpu_seconds() - cpu0);
}

Record run_redis_chat(const Options& options) {
  EventLoop loop;
  std::vector<std::unique_ptr<RespClient>> receivers;
  unsigned subscribed = 0;
  std::string failure;
  FanOut* fan_ptr = nullptr;
  auto deadline = deadline_of(options);
  for (unsigned i = 0; i < options.conns; ++i) {
    receivers.push_back(std::make_unique<RespClient>(loop, options.port));
    receivers.back()->set_handler([&](const std::vector<std::string_view>& v) {
      if (v.size() == 3 && v[0] == "message" && fan_ptr) fan_ptr->on_text(v[2]);
      else if (v.size() == 3 && v[0] == "subscribe") ++subscribed;
      else if (!v.empty() && !v[0].empty() && v[0][0] == '-') failure = std::string(v[0]);
    });
    receivers.back()->command({"SUBSCRIBE", "netdisk-load"});
    // Pace the connects like open_http_connections does, so the listen backlog never overflows.
    if (i + 1 - subscribed >= options.setup_parallel) {
      loop.run([&] { return i + 1 - subscribed < options.setup_parallel / 2 || !failure.empty(); }, deadline);
    }
  }
  loop.run([&] { return subscribed == options.conns || !failure.empty(); }, deadline);
  if (subscribed != options.conns) throw std::runtime_error("redis subscribe: " + failure);
  RespClient sender(loop, options.port);
  sender.set_handler([&](const std::vector<std::string_view>& v) {
    if (!v.empty() && !v[0].empty() && v[0][0] == '-') failure = std::string(v[0]);
  });
  FanOut fan(options, [&sender](const std::string& text) { sender.command({"PUBLISH", "netdisk-load", text}); });
  fan_ptr = &fan;
  ProcessProbe server(options.server_pid);
  double cpu0 = server.cpu_seconds();
  auto t0 = Clock::now();
  fan.pump();
  bool finished = loop.run([&] { return fan.done() || !failure.empty(); }, deadline);
  double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  if (!failure.empty() || !finished) throw std::runtime_error("redis chat: " + (failure.empty() ? "timed out" : failure));
  return fan.record(options, seconds, server.cpu_seconds() - cpu0);
}

}  // namespace netdisk::bench
