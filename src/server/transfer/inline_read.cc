#include "server/transfer/inline_read.h"

#include <sys/uio.h>

#include <cerrno>

#include "storage/user_space.h"

namespace netdisk::server::transfer {
namespace {

// One positioned read of `into`: RWF_NOWAIT first; EOPNOTSUPP (tmpfs) means the file system
// cannot tell, and its pages are memory anyway, so the plain read cannot wait on a disk.
ssize_t read_cached(int fd, char* into, std::size_t length, off_t offset) {
  iovec piece{into, length};
  while (true) {
    ssize_t n = ::preadv2(fd, &piece, 1, offset, RWF_NOWAIT);
    if (n >= 0 || errno == EAGAIN) return n;
    if (errno == EINTR) continue;
    if (errno != EOPNOTSUPP) return -1;
    do {
      n = ::pread(fd, into, length, offset);
    } while (n < 0 && errno == EINTR);
    return n;
  }
}

}  // namespace

std::optional<std::string> read_inline(storage::OpenFile& file, std::uint64_t offset,
                                       std::uint64_t length) {
  int fd = file.native_fd();
  if (fd < 0 || file.size() > kInlineReadBytes || length > kInlineReadBytes) return std::nullopt;
  std::string bytes(static_cast<std::size_t>(length), '\0');
  auto n = read_cached(fd, bytes.data(), bytes.size(), static_cast<off_t>(offset));
  // Short (part of it cached, or the file shrank) or failed: the engine sends it and reports.
  if (n < 0 || static_cast<std::uint64_t>(n) != length) return std::nullopt;
  return bytes;
}

}  // namespace netdisk::server::transfer
