// Bulk transfer modes: download, upload, concurrency and ping-under-load.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stdexcept>
#include <string>

#include "modes.h"
#include "sessions.h"
#include "stats.h"

namespace netdisk::bench {
namespace {

double seconds_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

void add_rate(Record& record, std::uint64_t bytes, double seconds, double server_cpu) {
  record["bytes"] = bytes;
  record["seconds"] = seconds;
  record["MBps"] = seconds > 0 ? static_cast<double>(bytes) / seconds / 1e6 : 0;
  record["server_cpu_s"] = server_cpu;
  if (server_cpu > 0) {
    record["server_cpu_s_per_GiB"] = server_cpu / (static_cast<double>(bytes) / (1 << 30));
    record["server_MB_per_cpu_s"] = static_cast<double>(bytes) / 1e6 / server_cpu;
  }
}

// Every client downloads options.path again and again: `count` times each, or until stop.
struct DownloadLoop {
  std::uint64_t done = 0, errors = 0;
  std::string first_error;
  bool stop = false;

  void start(WireClient& client, const Options& options, unsigned count) {
    client.tag = count;
    client.set_handler([this, &options](WireClient& c, protocol::Reply& reply) {
      if (reply.event) return;
      if (!reply.ok) {
        if (errors++ == 0) first_error = reply.error_code_name;
        return;
      }
      ++done;
      if (!stop && --c.tag > 0) c.request("download", {{"path", options.path}});
    });
    client.request("download", {{"path", options.path}});
  }
};

std::uint64_t stream_bytes(const Clients& clients) {
  std::uint64_t total = 0;
  for (auto& c : clients) total += c->stream_bytes();
  return total;
}

}  // namespace

Record base_record(const Options& options) {
  Record record;
  record["label"] = options.label.empty() ? options.mode : options.label;
  record["mode"] = options.mode;
  record["conns"] = options.conns;
  record["rc"] = 0;
  return record;
}

Record run_download(const Options& options) {
  EventLoop loop;
  std::string token = fetch_token(loop, options);
  Clients clients = open_http_connections(loop, options, options.conns, Login::token, token);
  ProcessProbe server(options.server_pid);
  DownloadLoop downloads;
  double cpu0 = server.cpu_seconds();
  auto t0 = Clock::now();
  for (auto& c : clients) downloads.start(*c, options, options.count);
  std::uint64_t want = std::uint64_t{options.conns} * options.count;
  bool finished = loop.run([&] { return downloads.done + downloads.errors >= want; },
                           deadline_of(options));
  auto t1 = Clock::now();
  double cpu = server.cpu_seconds() - cpu0;
  if (!finished || downloads.errors > 0) {
    throw std::runtime_error("download: " + std::to_string(downloads.errors) + " errors (" +
                             downloads.first_error + ")" + (finished ? "" : ", timed out"));
  }
  Record record = base_record(options);
  record["transfers"] = want;
  add_rate(record, stream_bytes(clients), seconds_between(t0, t1), cpu);
  return record;
}

Record run_upload(const Options& options) {
  int fd = ::open(options.file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error("upload: cannot open --file " + options.file);
  struct stat st {};
  fstat(fd, &st);
  auto size = static_cast<std::uint64_t>(st.st_size);
  EventLoop loop;
  std::string token = fetch_token(loop, options);
  Clients clients = open_http_connections(loop, options, options.conns, Login::token, token);
  ProcessProbe server(options.server_pid);
  std::uint64_t done = 0, errors = 0;
  std::string first_error;
  auto target = [&](std::size_t i) { return "netdisk-load-upload-" + std::to_string(i) + ".bin"; };
  double cpu0 = server.cpu_seconds();
  auto t0 = Clock::now();
  for (std::size_t i = 0; i < clients.size(); ++i) {
    auto& client = *clients[i];
    client.tag = options.count * 2;  // two replies per upload: upload, then upload.data
    client.set_handler([&, i](WireClient& c, protocol::Reply& reply) {
      if (reply.event) return;
      if (!reply.ok) {
        if (errors++ == 0) first_error = reply.error_code_name;
        return;
      }
      if (--c.tag % 2 == 1) {  // the upload reply: send the bytes
        auto offset = reply.body.value("offset", std::uint64_t{0});
        c.request_with_file("upload.data", {}, fd, static_cast<off_t>(offset), size - offset);
      } else {
        ++done;
        if (c.tag > 0) c.request("upload", {{"path", target(i)}, {"size", size}});
      }
    });
    client.request("upload", {{"path", target(i)}, {"size", size}});
  }
  std::uint64_t want = std::uint64_t{options.conns} * options.count;
  bool finished = loop.run([&] { return done + errors >= want; }, deadline_of(options));
  auto t1 = Clock::now();
  double cpu = server.cpu_seconds() - cpu0;
  ::close(fd);
  if (!finished || errors > 0) {
    throw std::runtime_error("upload: " + std::to_string(errors) + " errors (" + first_error +
                             ")" + (finished ? "" : ", timed out"));
  }
  Record record = base_record(options);
  record["transfers"] = want;
  add_rate(record, want * size, seconds_between(t0, t1), cpu);
  return record;
}

Record run_concurrency(const Options& options) {
  EventLoop loop;
  std::string token = fetch_token(loop, options);
  Clients clients = open_http_connections(loop, options, options.conns, Login::token, token);
  ProcessProbe server(options.server_pid);
  long rss_before = server.rss_kib();
  DownloadLoop downloads;
  PeakRss peak(loop, server, std::chrono::milliseconds(50));
  double cpu0 = server.cpu_seconds();
  auto t0 = Clock::now();
  for (auto& c : clients) downloads.start(*c, options, 1u << 30);
  auto end = t0 + std::chrono::milliseconds(static_cast<long long>(options.duration * 1000));
  loop.run([&] { return downloads.errors > 0; }, end);
  auto t1 = Clock::now();
  double cpu = server.cpu_seconds() - cpu0;
  std::uint64_t bytes = stream_bytes(clients);
  long rss_during = server.rss_kib();
  if (downloads.errors > 0) throw std::runtime_error("concurrency: " + downloads.first_error);
  Record record = base_record(options);
  add_rate(record, bytes, seconds_between(t0, t1), cpu);
  record["transfers_completed"] = downloads.done;
  record["server_rss_before_kib"] = rss_before;
  record["server_rss_kib"] = rss_during;
  record["server_rss_peak_kib"] = peak.peak_kib();
  return record;
}

Record run_ping_under_load(const Options& options) {
  EventLoop loop;
  std::string token = fetch_token(loop, options);
  Clients clients = open_http_connections(loop, options, options.bulk + 1, Login::token, token);
  WireClient& pinger = *clients.back();
  Latencies idle, loaded;
  Latencies* current = &idle;
  std::uint64_t errors = 0;
  bool stop = false;
  pinger.set_handler([&](WireClient& c, protocol::Reply& reply) {
    if (reply.event) return;
    if (!reply.ok) {
      ++errors;
      return;
    }
    current->add(Clock::now() - c.sent_at);
    if (stop) return;
    // A ping every ~2 ms: frequent enough for a p99, light enough not to be load itself.
    loop.after(std::chrono::milliseconds(2), [&c, &stop] {
      if (stop) return;
      c.sent_at = Clock::now();
      c.request("ping");
    });
  });
  pinger.sent_at = Clock::now();
  pinger.request("ping");
  auto deadline = deadline_of(options);
  loop.run([&] { return idle.count() >= 200 || errors > 0; }, deadline);
  DownloadLoop downloads;
  for (unsigned i = 0; i < options.bulk; ++i) downloads.start(*clients[i], options, 1u << 30);
  // Let the bulk transfers reach full speed before pings count as "under load".
  loop.run([] { return false; }, Clock::now() + std::chrono::milliseconds(500));
  current = &loaded;
  std::uint64_t bytes0 = stream_bytes(clients);
  auto t0 = Clock::now();
  auto end = t0 + std::chrono::milliseconds(static_cast<long long>(options.duration * 1000));
  loop.run([&] { return errors > 0 || downloads.errors > 0; }, std::min(end, deadline));
  auto t1 = Clock::now();
  stop = true;
  if (errors > 0 || downloads.errors > 0 || loaded.count() == 0) {
    throw std::runtime_error("ping-under-load: errors (" + downloads.first_error + ")");
  }
  Record record = base_record(options);
  record["conns"] = options.bulk;
  record["pings"] = loaded.count();
  record["ops"] = loaded.count();
  record["idle_p50_ms"] = idle.percentile_ms(50);
  record["idle_p99_ms"] = idle.percentile_ms(99);
  record["p50_ms"] = loaded.percentile_ms(50);
  record["p99_ms"] = loaded.percentile_ms(99);
  record["max_ms"] = loaded.percentile_ms(100);
  double seconds = seconds_between(t0, t1);
  record["seconds"] = seconds;
  record["bulk_MBps"] = static_cast<double>(stream_bytes(clients) - bytes0) / seconds / 1e6;
  return record;
}

}  // namespace netdisk::bench
