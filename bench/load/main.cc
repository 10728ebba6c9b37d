// netdisk-load: a load generator that speaks the NetDisk protocol (docs/PROTOCOL.md) from many
// connections in one thread with an epoll loop, so the client side costs about what wrk or
// iperf3 cost. Prints one JSON line per run (and appends it to --out); bench/run collects them
// and bench/lib/summarize.py turns them into the tables of docs/BENCHMARKS.md.
#include <sys/resource.h>

#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>

#include <CLI/CLI.hpp>

#include "modes.h"

namespace {

using netdisk::bench::Options;
using netdisk::bench::Record;

const std::map<std::string, std::function<Record(const Options&)>>& mode_table() {
  using namespace netdisk::bench;
  static const std::map<std::string, std::function<Record(const Options&)>> table = {
      {"register", run_register},
      {"download", run_download},
      {"upload", run_upload},
      {"concurrency", run_concurrency},
      {"ping-under-load", run_ping_under_load},
      {"small-get", run_small_get},
      {"list", run_list},
      {"login", run_login},
      {"idle", run_idle},
      {"chat", run_chat},
      {"redis-chat", run_redis_chat},
  };
  return table;
}

void raise_fd_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  std::string out;
  CLI::App app{"netdisk-load: NetDisk protocol load generator (one JSON line per run)"};
  std::vector<std::string> modes;
  for (auto& [name, fn] : mode_table()) modes.push_back(name);
  app.add_option("mode", o.mode, "What to measure")->required()->check(CLI::IsMember(modes));
  app.add_option("--label", o.label, "Label of the result line (default: the mode)");
  app.add_option("--port", o.port, "Server port on 127.0.0.1 (redis port for redis-chat)");
  app.add_option("--user", o.user, "Account name");
  app.add_option("--password", o.password, "Account password");
  app.add_option("--path", o.path, "Remote file for download, concurrency, ping-under-load");
  app.add_option("--dir", o.dir, "Remote folder for small-get (dir/f0000...) and list");
  app.add_option("--file", o.file, "Local file to upload");
  app.add_option("--conns,-c", o.conns, "Connections (chat: receivers)")->check(CLI::Range(1u, 100000u));
  app.add_option("--count", o.count, "Transfers per connection (download, upload)");
  app.add_option("--files", o.files, "small-get cycles over this many files")->check(CLI::Range(1u, 10000u));
  app.add_option("--bulk", o.bulk, "Bulk downloads beside the pings (ping-under-load)");
  app.add_option("--messages", o.messages, "Chat messages to send");
  app.add_option("--window", o.window, "Chat messages in flight at once");
  app.add_option("--setup-parallel", o.setup_parallel, "Connections set up at once")->check(CLI::Range(1u, 10000u));
  app.add_option("--duration,-d", o.duration, "Seconds for the rate modes");
  app.add_option("--hold", o.hold, "Seconds idle connections settle before memory is read");
  app.add_option("--timeout", o.timeout, "Hard limit for the whole run in seconds");
  app.add_option("--server-pid", o.server_pid, "Server PID, for its CPU time and memory");
  app.add_option("--out", out, "Also append the JSON line to this file");
  CLI11_PARSE(app, argc, argv);

  raise_fd_limit();
  Record record;
  try {
    record = mode_table().at(o.mode)(o);
  } catch (const std::exception& e) {
    record = netdisk::bench::base_record(o);
    record["rc"] = 1;
    record["error"] = e.what();
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + tv.tv_usec / 1e6; };
  record["client_cpu_s"] = seconds(usage.ru_utime) + seconds(usage.ru_stime);  // whole process
  std::string line = record.dump();
  std::puts(line.c_str());
  if (!out.empty()) std::ofstream(out, std::ios::app) << line << '\n';
  return record.value("rc", 0);
}
