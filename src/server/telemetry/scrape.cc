#include "server/telemetry/scrape.h"

#include <sys/statvfs.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>

#include "server/blocking.h"
#include "server/services.h"
#include "server/telemetry/exposition.h"
#include "server/version.h"
#include "storage/safe_path.h"

namespace netdisk::server::telemetry {
namespace {

namespace fs = std::filesystem;

// Partial uploads are files named kPartialPrefix... beside their targets in the users'
// folders. Counted by a walk at scrape time rather than kept current: a partial outlives its
// connection and a restart, and is swept by age, so a walk is the one count that is always
// true. Its cost grows with the number of files (docs/ADMIN.md, "Metrics").
void count_partials(const fs::path& home, ScrapeFacts& facts) {
  std::error_code ec;
  fs::recursive_directory_iterator walk(home, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && walk != fs::recursive_directory_iterator(); walk.increment(ec)) {
    if (walk->is_symlink(ec)) {
      walk.disable_recursion_pending();
      continue;
    }
    auto name = walk->path().filename().native();
    if (!std::string_view(name).starts_with(storage::kPartialPrefix)) continue;
    if (!walk->is_regular_file(ec)) continue;
    ++facts.partial_uploads;
    auto size = walk->file_size(ec);
    if (!ec) facts.partial_upload_bytes += size;
    ec.clear();
  }
}

void read_process(ScrapeFacts& facts) {
  const auto page = static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
  const auto ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  std::uint64_t pages_total = 0, pages_resident = 0;
  if (std::ifstream statm("/proc/self/statm"); statm >> pages_total >> pages_resident) {
    facts.resident_bytes = pages_resident * page;
  }
  std::error_code ec;
  for (fs::directory_iterator fd("/proc/self/fd", ec); !ec && fd != fs::directory_iterator();
       fd.increment(ec)) {
    ++facts.open_fds;
  }
  // /proc/self/stat: the command name (field 2) may hold spaces; the fields after its ")"
  // start at field 3. utime and stime are fields 14 and 15, starttime 22 (clock ticks).
  std::ifstream stat_file("/proc/self/stat");
  std::string text((std::istreambuf_iterator<char>(stat_file)), std::istreambuf_iterator<char>());
  auto close = text.rfind(')');
  if (close == std::string::npos) return;
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  double utime = 0, stime = 0, starttime = 0;
  for (int number = 3; number <= 22 && fields >> field; ++number) {
    if (number == 14) utime = std::stod(field);
    if (number == 15) stime = std::stod(field);
    if (number == 22) starttime = std::stod(field);
  }
  facts.cpu_seconds = (utime + stime) / ticks;
  std::ifstream proc_stat("/proc/stat");
  for (std::string line; std::getline(proc_stat, line);) {
    if (line.starts_with("btime ")) {
      facts.start_time_seconds = std::stod(line.substr(6)) + starttime / ticks;
      break;
    }
  }
}

void read_disk(Services& server, ScrapeFacts& facts) {
  if (server.quota) {
    for (const auto& user : server.accounts.users()) {
      auto usage = server.quota->usage(user.name);
      if (usage.counted) facts.disk_used_bytes += usage.used;
    }
  }
  struct statvfs disk {};
  if (statvfs(server.layout.data_dir().c_str(), &disk) == 0) {
    facts.disk_free_bytes = static_cast<std::uint64_t>(disk.f_bavail) * disk.f_frsize;
    facts.disk_free_known = true;
  }
}

void gauge(std::string& out, std::string_view name, std::string_view help, double value) {
  append_family(out, name, "gauge", help);
  append_sample(out, name, {}, value);
}

}  // namespace

ScrapeFacts gather_facts(Services& server) {
  ScrapeFacts facts;
  facts.users = server.accounts.user_count();
  facts.chat_members = server.chat.who().size();
  count_partials(server.layout.home_dir(), facts);
  read_disk(server, facts);
  read_process(facts);
  return facts;
}

void append_facts(std::string& out, const ScrapeFacts& facts) {
  auto as_double = [](std::uint64_t value) { return static_cast<double>(value); };
  gauge(out, "netdisk_users_registered", "Users in the accounts workbook", as_double(facts.users));
  gauge(out, "netdisk_chat_members", "Distinct users in the chat room now",
        as_double(facts.chat_members));
  gauge(out, "netdisk_partial_uploads", "Partial uploads held on disk (resumable or in progress)",
        as_double(facts.partial_uploads));
  gauge(out, "netdisk_partial_upload_bytes", "Bytes held by partial uploads",
        as_double(facts.partial_upload_bytes));
  gauge(out, "netdisk_disk_used_bytes",
        "Bytes the users store, by the quota ledger (trash, versions and partials included; "
        "users not yet counted since start are left out)",
        as_double(facts.disk_used_bytes));
  if (facts.disk_free_known) {
    gauge(out, "netdisk_disk_free_bytes", "Bytes free for the server on the data folder's disk",
          as_double(facts.disk_free_bytes));
  }
  gauge(out, "process_resident_memory_bytes", "Resident memory size in bytes",
        as_double(facts.resident_bytes));
  gauge(out, "process_open_fds", "Number of open file descriptors", as_double(facts.open_fds));
  append_family(out, "process_cpu_seconds_total", "counter",
                "Total user and system CPU time spent in seconds");
  append_sample(out, "process_cpu_seconds_total", {}, facts.cpu_seconds);
  gauge(out, "process_start_time_seconds", "Start time of the process since the Unix epoch",
        facts.start_time_seconds);
  append_family(out, "netdisk_build_info", "gauge", "The running netdiskd's version");
  const Label version[] = {{"version", kNetdiskVersion}};
  append_sample(out, "netdisk_build_info", version, 1.0);
}

boost::asio::awaitable<std::string> scrape(Services& server) {
  // Captures a reference only (server/blocking.h's rule for lambdas made in a coroutine).
  auto facts = co_await run_blocking(server.blocking_pool, [&server] { return gather_facts(server); });
  std::string out;
  out.reserve(16 * 1024);
  server.metrics.append_to(out);
  append_facts(out, facts);
  co_return out;
}

}  // namespace netdisk::server::telemetry
