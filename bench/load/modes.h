// The measurement modes of netdisk-load. Each runs on its own EventLoop, bounded by
// Options::timeout, and returns one result record (see docs/BENCHMARKS.md for the fields).
// Failures throw std::runtime_error; main.cc turns them into a record with rc 1.
#pragma once

#include "options.h"

namespace netdisk::bench {

Record run_register(const Options& options);         // register (user_exists is fine)
Record run_download(const Options& options);         // conns x count downloads of path
Record run_upload(const Options& options);           // conns x count uploads of file
Record run_concurrency(const Options& options);      // conns downloads looping for duration
Record run_ping_under_load(const Options& options);  // ping p99 beside `bulk` downloads
Record run_small_get(const Options& options);        // 4 KiB downloads over conns
Record run_list(const Options& options);             // listings of dir over conns
Record run_login(const Options& options);            // password logins over conns
Record run_idle(const Options& options);             // conns idle sessions: server memory
Record run_chat(const Options& options);             // chat fan-out to conns receivers
Record run_redis_chat(const Options& options);       // the same over redis PUBLISH/SUBSCRIBE

// Fields every record carries.
Record base_record(const Options& options);

}  // namespace netdisk::bench
