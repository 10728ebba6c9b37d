#include "client/transfer/target_append.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <utility>

namespace netdisk::client {
namespace {

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& what) {
  throw std::runtime_error(path.string() + ": " + what + ": " + std::strerror(errno));
}

}  // namespace

TargetAppend TargetAppend::open(const std::filesystem::path& target) {
  int fd = ::open(target.c_str(), O_RDWR | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) fail(target, "cannot open to continue the download");
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw std::runtime_error(target.string() + " is not a regular file");
  }
  return TargetAppend(target, fd, static_cast<std::uint64_t>(st.st_size));
}

TargetAppend::TargetAppend(TargetAppend&& other) noexcept
    : target_(std::move(other.target_)),
      fd_(std::exchange(other.fd_, -1)),
      original_size_(other.original_size_) {}

TargetAppend::~TargetAppend() {
  if (fd_ >= 0) ::close(fd_);
}

void TargetAppend::append(const char* data, std::size_t n) {
  while (n > 0) {
    ssize_t written = ::write(fd_, data, n);
    if (written < 0 && errno == EINTR) continue;
    if (written < 0) fail(target_, "write failed");
    data += written;
    n -= static_cast<std::size_t>(written);
  }
}

void TargetAppend::commit() {
  if (::fsync(fd_) != 0) fail(target_, "fsync failed");
}

void TargetAppend::discard() noexcept {
  if (::ftruncate(fd_, static_cast<off_t>(original_size_)) == 0) ::fsync(fd_);
}

}  // namespace netdisk::client
