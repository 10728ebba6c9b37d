// A scrape of /metrics: the in-memory metrics (server/telemetry/metrics.h) plus what is read
// when asked: users registered, chat members, partial uploads held (a walk of the users'
// folders), disk space used (the quota ledger's totals) and free (statvfs of the data folder),
// and the process figures from /proc. The reads run on the blocking pool; the coroutine runs
// on the I/O thread of the listener that asked.
#pragma once

#include <cstdint>
#include <string>

#include <boost/asio/awaitable.hpp>

namespace netdisk::server {
struct Services;
}

namespace netdisk::server::telemetry {

// Read on the blocking pool, at scrape time.
struct ScrapeFacts {
  std::uint64_t users = 0;
  std::uint64_t chat_members = 0;
  std::uint64_t partial_uploads = 0;
  std::uint64_t partial_upload_bytes = 0;
  std::uint64_t disk_used_bytes = 0;
  std::uint64_t disk_free_bytes = 0;
  bool disk_free_known = false;
  std::uint64_t resident_bytes = 0;
  std::uint64_t open_fds = 0;
  double cpu_seconds = 0;
  double start_time_seconds = 0;
};

// Blocks on the disk and /proc: call it on the blocking pool.
ScrapeFacts gather_facts(Services& server);
// Appends the families of `facts` and netdisk_build_info.
void append_facts(std::string& out, const ScrapeFacts& facts);
// The whole exposition (metrics, then facts gathered on the blocking pool).
boost::asio::awaitable<std::string> scrape(Services& server);

}  // namespace netdisk::server::telemetry
