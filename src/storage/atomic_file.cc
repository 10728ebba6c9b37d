#include "storage/atomic_file.h"

#include <fcntl.h>
#include <sys/random.h>
#include <unistd.h>

#include <cerrno>

#include <fmt/format.h>

namespace netdisk::storage {

std::string random_name_suffix() {
  unsigned char raw[8];
  if (getrandom(raw, sizeof raw, 0) != static_cast<ssize_t>(sizeof raw)) {
    // getrandom cannot fail for 8 bytes once the pool is initialised; O_EXCL still guards.
    for (auto& byte : raw) byte = static_cast<unsigned char>(::rand());
  }
  std::string out;
  for (unsigned char byte : raw) out += fmt::format("{:02x}", byte);
  return out;
}

Status fsync_directory(int dirfd) {
  if (::fsync(dirfd) != 0) return error_from_errno(errno, "fsync directory");
  return {};
}

Status write_all(int fd, std::span<const std::byte> bytes) {
  while (!bytes.empty()) {
    ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return error_from_errno(errno, "write");
    }
    bytes = bytes.subspan(static_cast<std::size_t>(written));
  }
  return {};
}

Result<AtomicFile> AtomicFile::create(int dirfd, std::string target_name, mode_t mode) {
  UniqueFd dir(::fcntl(dirfd, F_DUPFD_CLOEXEC, 0));
  if (!dir) return error_from_errno(errno, "dup directory");
  for (int attempt = 0; attempt < 8; ++attempt) {
    std::string temp_name = fmt::format("{}{}", kTempPrefix, random_name_suffix());
    int fd = ::openat(dir.get(), temp_name.c_str(),
                      O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
    if (fd >= 0) {
      return AtomicFile(std::move(dir), UniqueFd(fd), std::move(temp_name),
                        std::move(target_name));
    }
    if (errno != EEXIST) return error_from_errno(errno, "create temporary file");
  }
  return make_error(Errc::io_error, "create temporary file: no free name");
}

AtomicFile::AtomicFile(UniqueFd dir, UniqueFd file, std::string temp_name,
                       std::string target_name)
    : dir_(std::move(dir)),
      file_(std::move(file)),
      temp_name_(std::move(temp_name)),
      target_name_(std::move(target_name)) {}

AtomicFile& AtomicFile::operator=(AtomicFile&& other) noexcept {
  if (this != &other) {
    discard();
    dir_ = std::move(other.dir_);
    file_ = std::move(other.file_);
    temp_name_ = std::move(other.temp_name_);
    target_name_ = std::move(other.target_name_);
    committed_ = other.committed_;
  }
  return *this;
}

AtomicFile::~AtomicFile() { discard(); }

void AtomicFile::discard() noexcept {
  if (!committed_ && dir_ && !temp_name_.empty()) ::unlinkat(dir_.get(), temp_name_.c_str(), 0);
  file_.reset();
  dir_.reset();
}

Status AtomicFile::commit(unsigned rename_flags) {
  if (committed_ || !file_) return make_error(Errc::internal_error, "commit of a closed file");
  if (::fsync(file_.get()) != 0) {
    auto error = error_from_errno(errno, "fsync");
    discard();
    return error;
  }
  if (::renameat2(dir_.get(), temp_name_.c_str(), dir_.get(), target_name_.c_str(),
                  rename_flags) != 0) {
    auto error = error_from_errno(errno, "rename");
    discard();
    return error;
  }
  committed_ = true;
  // The new version is in place; a failed directory fsync only means it may not survive a
  // power cut, which the caller must hear about.
  auto synced = fsync_directory(dir_.get());
  file_.reset();
  dir_.reset();
  return synced;
}

Result<std::string> read_small_file(const std::filesystem::path& path, std::size_t max_bytes,
                                    std::string_view what) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd) return error_from_errno(errno, fmt::format("open {}", what));
  std::string text;
  char buffer[65536];
  for (;;) {
    ssize_t got = ::read(fd.get(), buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return error_from_errno(errno, fmt::format("read {}", what));
    if (got == 0) return text;
    text.append(buffer, static_cast<std::size_t>(got));
    if (text.size() > max_bytes) {
      return make_error(Errc::io_error,
                        fmt::format("{} is larger than any the server writes", what));
    }
  }
}

Status replace_small_file(const std::filesystem::path& path, std::string_view text, mode_t mode) {
  std::filesystem::path dir = path.parent_path().empty() ? "." : path.parent_path();
  UniqueFd dirfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dirfd) return error_from_errno(errno, "open the data folder");
  auto file = AtomicFile::create(dirfd.get(), path.filename().string(), mode);
  if (!file) return std::move(file).error();
  if (auto written = file->write(std::as_bytes(std::span(text))); !written.ok()) return written;
  return file->commit();
}

}  // namespace netdisk::storage
