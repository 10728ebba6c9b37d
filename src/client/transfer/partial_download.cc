#include "client/transfer/partial_download.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <utility>

namespace netdisk::client {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const fs::path& path, const std::string& what) {
  throw std::runtime_error(path.string() + ": " + what + ": " + std::strerror(errno));
}

}  // namespace

fs::path PartialDownload::part_path(const fs::path& target) {
  fs::path part = target;
  part += ".part";
  return part;
}

fs::path PartialDownload::sidecar_path(const fs::path& target) {
  return target.parent_path() / ("." + target.filename().string() + ".part.version");
}

std::optional<PartialDownload> PartialDownload::open_existing(const fs::path& target) {
  fs::path part = part_path(target);
  int fd = ::open(part.c_str(), O_RDWR | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0 && errno == ENOENT) return std::nullopt;
  if (fd < 0) fail(part, "cannot open the partial download");
  PartialDownload partial(target, fd);
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    throw std::runtime_error(part.string() + " is not a regular file");
  }
  return partial;
}

PartialDownload PartialDownload::create(const fs::path& target) {
  fs::path part = part_path(target);
  std::error_code ignored;
  fs::remove(sidecar_path(target), ignored);
  ::unlink(part.c_str());  // a fresh inode: no old xattr can survive
  int fd =
      ::open(part.c_str(), O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) fail(part, "cannot create");
  return PartialDownload(target, fd);
}

PartialDownload::PartialDownload(PartialDownload&& other) noexcept
    : target_(std::move(other.target_)), fd_(std::exchange(other.fd_, -1)) {}

PartialDownload::~PartialDownload() { close(); }

void PartialDownload::close() noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

std::uint64_t PartialDownload::size() const {
  struct stat st {};
  if (::fstat(fd_, &st) != 0) fail(part_path(target_), "cannot stat");
  return static_cast<std::uint64_t>(st.st_size);
}

std::optional<std::string> PartialDownload::stored_version() const {
  char buffer[256];
  ssize_t n = ::fgetxattr(fd_, kVersionXattr, buffer, sizeof buffer);
  if (n > 0) return std::string(buffer, static_cast<std::size_t>(n));
  std::ifstream sidecar(sidecar_path(target_));
  std::string version{std::istreambuf_iterator<char>(sidecar), {}};
  if (!sidecar.is_open() || version.empty()) return std::nullopt;
  return version;
}

void PartialDownload::store_version(const std::string& version) {
  if (::fsetxattr(fd_, kVersionXattr, version.data(), version.size(), 0) == 0) return;
  // tmpfs without user xattrs, some network file systems: keep it beside the file instead.
  fs::path sidecar = sidecar_path(target_);
  std::ofstream out(sidecar, std::ios::binary | std::ios::trunc);
  out << version;
  out.flush();
  if (!out) fail(sidecar, "cannot record the download's version");
}

void PartialDownload::append(const char* data, std::size_t n) {
  while (n > 0) {
    ssize_t written = ::write(fd_, data, n);
    if (written < 0 && errno == EINTR) continue;
    if (written < 0) fail(part_path(target_), "write failed");
    data += written;
    n -= static_cast<std::size_t>(written);
  }
}

void PartialDownload::commit() {
  fs::path part = part_path(target_);
  if (::fsync(fd_) != 0) fail(part, "fsync failed");
  ::fremovexattr(fd_, kVersionXattr);
  close();
  if (::rename(part.c_str(), target_.c_str()) != 0) fail(target_, "cannot rename the download");
  std::error_code ignored;
  fs::remove(sidecar_path(target_), ignored);
}

void PartialDownload::discard() noexcept {
  close();
  std::error_code ignored;
  fs::remove(part_path(target_), ignored);
  fs::remove(sidecar_path(target_), ignored);
}

}  // namespace netdisk::client
