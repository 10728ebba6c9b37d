// ReopenableFileSink: the spdlog sink of --log-file. Appends to the file (created 0640) and
// flushes each line; reopen() opens the same name again, so logrotate's rename-then-SIGHUP
// sends new lines to a new file at the old name. Thread-safe (spdlog's sink mutex); shared by
// every component logger.
#pragma once

#include <cstdio>
#include <filesystem>
#include <mutex>
#include <string>

#include <spdlog/sinks/base_sink.h>

namespace netdisk::server {

class ReopenableFileSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  // Opens `path` for appending. Throws std::runtime_error naming the file and the reason.
  explicit ReopenableFileSink(std::filesystem::path path);
  ~ReopenableFileSink() override;
  ReopenableFileSink(const ReopenableFileSink&) = delete;
  ReopenableFileSink& operator=(const ReopenableFileSink&) = delete;

  // Opens the name again and switches to it; on failure keeps writing to the open file and
  // returns the reason ("" on success). Blocks on the disk: call it off the I/O threads.
  std::string reopen();

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override;
  void flush_() override;

 private:
  const std::filesystem::path path_;
  std::FILE* file_ = nullptr;  // guarded by base_sink's mutex_
};

}  // namespace netdisk::server
