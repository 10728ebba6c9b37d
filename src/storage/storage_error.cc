#include "storage/storage_error.h"

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace netdisk::storage {

std::string_view storage_errc_name(StorageErrc code) noexcept {
  switch (code) {
    case StorageErrc::bad_name:
      return "bad_name";
    case StorageErrc::not_found:
      return "not_found";
    case StorageErrc::exists:
      return "exists";
    case StorageErrc::not_a_directory:
      return "not_a_directory";
    case StorageErrc::is_a_directory:
      return "is_a_directory";
    case StorageErrc::not_empty:
      return "not_empty";
    case StorageErrc::condition_failed:
      return "condition_failed";
    case StorageErrc::busy:
      return "busy";
    case StorageErrc::no_space:
      return "no_space";
    case StorageErrc::denied:
      return "denied";
    case StorageErrc::size_mismatch:
      return "size_mismatch";
    case StorageErrc::checksum_mismatch:
      return "checksum_mismatch";
    case StorageErrc::out_of_range:
      return "out_of_range";
    case StorageErrc::bad_argument:
      return "bad_argument";
    case StorageErrc::io_error:
      return "io_error";
    case StorageErrc::quota_exceeded:
      return "quota_exceeded";
  }
  return "io_error";
}

namespace {

StorageErrc errc_of_errno(int errnum) noexcept {
  switch (errnum) {
    case ENOSPC:
    case EDQUOT:
    case EFBIG:
      return StorageErrc::no_space;
    case ENOENT:
      return StorageErrc::not_found;
    case EACCES:
    case EPERM:
    case EROFS:
      return StorageErrc::denied;
    case ENOTDIR:
      return StorageErrc::not_a_directory;
    case EISDIR:
      return StorageErrc::is_a_directory;
    case ENOTEMPTY:
      return StorageErrc::not_empty;
    case EEXIST:
      return StorageErrc::exists;
    case ELOOP:  // a symlink where none is allowed
    case EXDEV:  // openat2 RESOLVE_BENEATH: the path tried to leave the space
    case ENAMETOOLONG:
      return StorageErrc::bad_name;
    default:
      return StorageErrc::io_error;
  }
}

}  // namespace

StorageError storage_error_from_errno(int errnum, std::string_view what) {
  StorageErrc code = errc_of_errno(errnum);
  if (code == StorageErrc::no_space) return StorageError{code, fmt::format("{}: disk full", what)};
  return StorageError{code, fmt::format("{}: {}", what, std::strerror(errnum))};
}

}  // namespace netdisk::storage
