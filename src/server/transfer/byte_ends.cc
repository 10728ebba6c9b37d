#include "server/transfer/byte_ends.h"

#include <unistd.h>

#include <cerrno>

#include "storage/upload.h"

namespace netdisk::server::transfer {

Status FdSource::read_exactly_at(std::uint64_t offset, std::span<std::byte> into) {
  std::size_t done = 0;
  while (done < into.size()) {
    ssize_t n =
        ::pread(fd_, into.data() + done, into.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return error_from_errno(errno, "read file");
    if (n == 0) return make_error(Errc::size_mismatch, "the file shrank while being sent");
    done += static_cast<std::size_t>(n);
  }
  return {};
}

Status UploadTarget::write(std::span<const std::byte> bytes) { return upload_.write(bytes); }

}  // namespace netdisk::server::transfer
