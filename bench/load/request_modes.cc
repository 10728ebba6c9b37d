// Request-rate and memory modes: register, small-get, list, login and idle.
#include <cstdio>
#include <functional>
#include <stdexcept>
#include <string>

#include "modes.h"
#include "sessions.h"
#include "stats.h"

namespace netdisk::bench {
namespace {

// One request in flight per connection (like wrk): when a reply arrives, the next request of
// that connection goes out. Records latency from send to the last byte of the reply.
struct RateResult {
  Latencies latency;
  std::uint64_t ops = 0, errors = 0, busy = 0;
  std::string first_error;
  double seconds = 0, server_cpu = 0;
  long server_rss_peak = 0;
};

using NextRequest = std::function<void(WireClient&)>;

RateResult drive(EventLoop& loop, const Options& options, Clients& clients,
                 const NextRequest& next) {
  RateResult result;
  ProcessProbe server(options.server_pid);
  PeakRss peak(loop, server, std::chrono::milliseconds(20));
  bool stop = false;
  for (auto& client : clients) {
    client->set_handler([&](WireClient& c, protocol::Reply& reply) {
      if (reply.event) return;
      if (!reply.ok) {
        if (reply.error_code_name == "server_busy") {
          ++result.busy;  // a full hashing queue: try again, it is not a failure of the run
        } else if (result.errors++ == 0) {
          result.first_error = reply.error_code_name + " " + (reply.error ? reply.error->message : "");
        }
      } else {
        result.latency.add(Clock::now() - c.sent_at);
        ++result.ops;
      }
      if (stop || !c.is_open()) return;
      if (!reply.ok && reply.error_code_name == "server_busy") {
        // Back off like a polite client instead of hammering a full queue.
        loop.after(std::chrono::milliseconds(20), [&c, &stop, &next] {
          if (stop || !c.is_open()) return;
          c.sent_at = Clock::now();
          next(c);
        });
        return;
      }
      c.sent_at = Clock::now();
      next(c);
    });
  }
  double cpu0 = server.cpu_seconds();
  auto t0 = Clock::now();
  for (auto& c : clients) {
    c->sent_at = Clock::now();
    next(*c);
  }
  auto end = t0 + std::chrono::milliseconds(static_cast<long long>(options.duration * 1000));
  loop.run([&] { return result.errors > 0; }, std::min(end, deadline_of(options)));
  result.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  result.server_cpu = server.cpu_seconds() - cpu0;
  result.server_rss_peak = peak.peak_kib();
  stop = true;
  for (auto& c : clients) c->set_handler(nullptr);
  if (result.errors > 0) throw std::runtime_error(options.mode + ": " + result.first_error);
  return result;
}

Record rate_record(const Options& options, RateResult& result) {
  Record record = base_record(options);
  record["ops"] = result.ops;
  record["seconds"] = result.seconds;
  record["ops_per_s"] = static_cast<double>(result.ops) / result.seconds;
  record["p50_ms"] = result.latency.percentile_ms(50);
  record["p99_ms"] = result.latency.percentile_ms(99);
  record["server_cpu_s"] = result.server_cpu;
  if (result.server_cpu > 0) {
    record["ops_per_server_cpu_s"] = static_cast<double>(result.ops) / result.server_cpu;
  }
  record["server_rss_peak_kib"] = result.server_rss_peak;
  record["server_busy"] = result.busy;
  return record;
}

}  // namespace

Record run_register(const Options& options) {
  EventLoop loop;
  Clients clients = open_http_connections(loop, options, 1, Login::none);
  std::string outcome;
  clients[0]->set_handler([&](WireClient&, protocol::Reply& reply) {
    if (reply.event) return;
    outcome = reply.ok ? "registered" : reply.error_code_name;
  });
  clients[0]->request("register", {{"username", options.user}, {"password", options.password}});
  loop.run([&] { return !outcome.empty(); }, deadline_of(options));
  if (outcome != "registered" && outcome != "user_exists") {
    throw std::runtime_error("register: " + (outcome.empty() ? "timed out" : outcome));
  }
  Record record = base_record(options);
  record["outcome"] = outcome;
  return record;
}

Record run_small_get(const Options& options) {
  EventLoop loop;
  Clients clients = open_http_connections(loop, options, options.conns, Login::token, fetch_token(loop, options));
  unsigned counter = 0;
  char name[64];
  std::uint64_t bytes_before = 0;
  for (auto& c : clients) bytes_before += c->stream_bytes();
  RateResult result = drive(loop, options, clients, [&](WireClient& c) {
    std::snprintf(name, sizeof name, "/f%04u", counter++ % options.files);
    c.request("download", {{"path", options.dir + name}});
  });
  Record record = rate_record(options, result);
  std::uint64_t bytes = 0;
  for (auto& c : clients) bytes += c->stream_bytes();
  record["bytes"] = bytes - bytes_before;
  return record;
}

Record run_list(const Options& options) {
  EventLoop loop;
  Clients clients = open_http_connections(loop, options, options.conns, Login::token, fetch_token(loop, options));
  // Check once that the folder really holds what we think (a full page of entries).
  std::size_t entries = 0;
  clients[0]->set_handler([&](WireClient&, protocol::Reply& reply) {
    expect_ok(reply, "list");
    entries = reply.body.value("entries", nlohmann::json::array()).size();
  });
  clients[0]->request("list", {{"path", options.dir}});
  loop.run([&] { return entries > 0; }, deadline_of(options));
  for (auto& c : clients) c->set_skim_ok_replies(true);
  RateResult result =
      drive(loop, options, clients, [&](WireClient& c) { c.request("list", {{"path", options.dir}}); });
  Record record = rate_record(options, result);
  record["entries"] = entries;
  return record;
}

Record run_login(const Options& options) {
  EventLoop loop;
  Clients clients = open_http_connections(loop, options, options.conns, Login::none);
  ProcessProbe server(options.server_pid);
  long rss_before = server.rss_kib();
  RateResult result = drive(loop, options, clients, [&](WireClient& c) {
    c.request("login", {{"username", options.user}, {"password", options.password}});
  });
  Record record = rate_record(options, result);
  record["server_rss_before_kib"] = rss_before;
  return record;
}

Record run_idle(const Options& options) {
  EventLoop loop;
  std::string token = fetch_token(loop, options);
  ProcessProbe server(options.server_pid);
  auto settle = [&] {
    loop.run([] { return false; },
             Clock::now() + std::chrono::milliseconds(static_cast<long long>(options.hold * 1000)));
  };
  settle();
  long rss0 = server.rss_kib(), pss0 = server.pss_kib();
  auto t0 = Clock::now();
  Clients clients = open_http_connections(loop, options, options.conns, Login::token, token);
  double open_s = std::chrono::duration<double>(Clock::now() - t0).count();
  settle();
  long rss1 = server.rss_kib(), pss1 = server.pss_kib();
  // Every connection must still be served: one ping each.
  std::string first_error;
  std::size_t failures = call_all(loop, options, clients, "ping", &first_error);
  clients.clear();
  settle();
  long rss2 = server.rss_kib();
  if (failures > 0) {
    throw std::runtime_error("idle: " + std::to_string(failures) + " connections failed (" +
                             first_error + ")");
  }
  Record record = base_record(options);
  double n = options.conns;
  record["open_s"] = open_s;
  record["alive"] = options.conns - failures;
  record["server_rss_before_kib"] = rss0;
  record["server_rss_kib"] = rss1;
  record["server_rss_after_close_kib"] = rss2;
  record["server_pss_before_kib"] = pss0;
  record["server_pss_kib"] = pss1;
  record["rss_kib_per_conn"] = static_cast<double>(rss1 - rss0) / n;
  record["pss_kib_per_conn"] = static_cast<double>(pss1 - pss0) / n;
  return record;
}

}  // namespace netdisk::bench
