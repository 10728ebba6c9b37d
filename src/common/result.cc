#include "common/result.h"

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace netdisk {

Error error_from_errno(int errnum, std::string_view what) {
  Errc code = Errc::io_error;
  switch (errnum) {
    case ENOSPC:
    case EDQUOT:
    case EFBIG:
      code = Errc::disk_full;
      break;
    case ENOENT:
      code = Errc::not_found;
      break;
    case EEXIST:
      code = Errc::already_exists;
      break;
    case ENOTDIR:
      code = Errc::not_a_directory;
      break;
    case EISDIR:
      code = Errc::is_a_directory;
      break;
    case ENOTEMPTY:
      code = Errc::not_empty;
      break;
    case EACCES:
    case EPERM:
      code = Errc::permission_denied;
      break;
    case EXDEV:     // openat2 RESOLVE_BENEATH: the path tried to leave the root
    case ELOOP:     // a symlink where none is allowed
    case ENAMETOOLONG:
      code = Errc::invalid_path;
      break;
    default:
      break;
  }
  if (code == Errc::disk_full) return make_error(code, fmt::format("{}: disk full", what));
  return make_error(code, fmt::format("{}: {}", what, std::strerror(errnum)));
}

}  // namespace netdisk
