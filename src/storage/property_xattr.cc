#include "storage/property_xattr.h"

#include <fcntl.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>

#include "storage/confined_open.h"
#include "storage/dead_properties.h"

namespace netdisk::storage {
namespace {

Error attribute_error(int errnum, const char* what) {
  if (errnum == ENOSPC || errnum == E2BIG || errnum == EDQUOT) {
    return make_error(Errc::disk_full, "no room to store the properties");
  }
  if (errnum == ENOTSUP) {
    return make_error(Errc::io_error, "the server's file system cannot store properties");
  }
  return error_from_errno(errnum, what);
}

Status set_or_remove(int fd, std::string_view encoded) {
  int done = encoded.empty() ? ::fremovexattr(fd, kPropertyXattr)
                             : ::fsetxattr(fd, kPropertyXattr, encoded.data(), encoded.size(), 0);
  if (done == 0 || (encoded.empty() && (errno == ENODATA || errno == ENOTSUP))) return {};
  return attribute_error(errno, "store properties");
}

}  // namespace

Result<std::string> read_property_xattr(int fd) {
  // The value may grow between the size query and the read (another process): retry then.
  for (int attempt = 0; attempt < 4; ++attempt) {
    ssize_t size = ::fgetxattr(fd, kPropertyXattr, nullptr, 0);
    if (size < 0 && (errno == ENODATA || errno == ENOTSUP)) return std::string();
    if (size < 0) return attribute_error(errno, "read properties");
    // Ours are bounded; a bigger value was not written by NetDisk.
    if (static_cast<std::size_t>(size) > kMaxPropertyBytes) break;
    std::string value(static_cast<std::size_t>(size), '\0');
    ssize_t got = ::fgetxattr(fd, kPropertyXattr, value.data(), value.size());
    if (got >= 0) {
      value.resize(static_cast<std::size_t>(got));
      return value;
    }
    if (errno != ERANGE) return attribute_error(errno, "read properties");
  }
  return make_error(Errc::io_error, "the stored properties are unreadable");
}

Status write_property_xattr(int fd, std::string_view encoded) {
  if (auto set = set_or_remove(fd, encoded); !set) return set;
  if (::fsync(fd) != 0) return error_from_errno(errno, "fsync properties");
  return {};
}

Status copy_property_xattr(int from_fd, int to_fd) {
  auto value = read_property_xattr(from_fd);
  if (!value) return std::move(value).error();
  return set_or_remove(to_fd, *value);
}

Status carry_property_xattr(int dirfd, const std::string& name, int to_fd) {
  auto current = open_regular_beneath(dirfd, name, O_RDONLY);
  if (!current) {
    auto code = current.error().code;
    bool nothing_there =  // a FIFO or link at the name: the rename replaces it as before
        code == Errc::not_found || code == Errc::is_a_directory || code == Errc::invalid_path;
    return nothing_there ? Status{} : Status{std::move(current).error()};
  }
  auto value = read_property_xattr(current->get());
  if (!value) return std::move(value).error();
  if (value->empty()) return {};
  return write_property_xattr(to_fd, *value);
}

}  // namespace netdisk::storage
