#include "storage/data_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <cerrno>
#include <system_error>

#include <fmt/format.h>

namespace netdisk::storage {

Result<DataLock> DataLock::acquire(const std::filesystem::path& data_dir) {
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) {
    return make_error(Errc::io_error, fmt::format("cannot create data folder {}: {}",
                                                  data_dir.string(), ec.message()));
  }
  ::chmod(data_dir.c_str(), 0700);
  auto path = data_dir / kDataLockName;
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!fd) return error_from_errno(errno, fmt::format("open {}", path.string()));
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) {
      return make_error(Errc::already_exists,
                        fmt::format("another netdiskd or netdiskd admin is using the data folder "
                                    "{} (it holds {})",
                                    data_dir.string(), kDataLockName));
    }
    return error_from_errno(errno, fmt::format("lock {}", path.string()));
  }
  return DataLock(std::move(fd));
}

}  // namespace netdisk::storage
