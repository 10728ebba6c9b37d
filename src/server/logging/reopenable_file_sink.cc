#include "server/logging/reopenable_file_sink.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

namespace netdisk::server {
namespace {

// O_APPEND: lines from a second writer (a crash report) never overwrite ours. 0640: the log
// names users and addresses, so it is not world-readable.
std::FILE* open_for_append(const std::filesystem::path& path, std::string& error) {
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) {
    error = std::strerror(errno);
    return nullptr;
  }
  std::FILE* file = ::fdopen(fd, "a");
  if (file == nullptr) {
    error = std::strerror(errno);
    ::close(fd);
  }
  return file;
}

}  // namespace

ReopenableFileSink::ReopenableFileSink(std::filesystem::path path) : path_(std::move(path)) {
  std::string error;
  file_ = open_for_append(path_, error);
  if (file_ == nullptr) {
    throw std::runtime_error(fmt::format("--log-file {}: {}", path_.string(), error));
  }
}

ReopenableFileSink::~ReopenableFileSink() {
  if (file_ != nullptr) std::fclose(file_);
}

std::string ReopenableFileSink::reopen() {
  std::string error;
  std::FILE* fresh = open_for_append(path_, error);
  if (fresh == nullptr) return error;
  std::lock_guard lock(mutex_);
  std::fclose(file_);
  file_ = fresh;
  return {};
}

void ReopenableFileSink::sink_it_(const spdlog::details::log_msg& msg) {
  spdlog::memory_buf_t formatted;
  formatter_->format(msg, formatted);
  std::fwrite(formatted.data(), 1, formatted.size(), file_);
  // Each line reaches the kernel at once: a crash loses nothing, and `tail -f` sees it.
  std::fflush(file_);
}

void ReopenableFileSink::flush_() { std::fflush(file_); }

}  // namespace netdisk::server
