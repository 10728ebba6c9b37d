#include "server/transfer/byte_ends.h"

#include "server/storage_errors.h"
#include "storage/user_space.h"

namespace netdisk::server::transfer {

Status FileSource::read_exactly_at(std::uint64_t offset, std::span<std::byte> into) {
  while (!into.empty()) {
    auto n = file_.read_at(offset, into);
    if (!n) return wire_error(n.error());
    if (*n == 0) return make_error(Errc::size_mismatch, "the file shrank while being sent");
    offset += *n;
    into = into.subspan(*n);
  }
  return {};
}

int FileSource::native_fd() const { return file_.native_fd(); }

Status UploadTarget::write(std::span<const std::byte> bytes) { return to_wire(upload_.write(bytes)); }

}  // namespace netdisk::server::transfer
