#include "server/storage_errors.h"

namespace netdisk::server {

Error wire_error(const storage::StorageError& error) {
  using storage::StorageErrc;
  Errc code = Errc::io_error;
  switch (error.code) {
    case StorageErrc::bad_name:
      code = Errc::invalid_path;
      break;
    case StorageErrc::not_found:
      code = Errc::not_found;
      break;
    case StorageErrc::exists:
      code = Errc::already_exists;
      break;
    case StorageErrc::not_a_directory:
      code = Errc::not_a_directory;
      break;
    case StorageErrc::is_a_directory:
      code = Errc::is_a_directory;
      break;
    case StorageErrc::not_empty:
      code = Errc::not_empty;
      break;
    case StorageErrc::condition_failed:
      code = Errc::precondition_failed;
      break;
    case StorageErrc::busy:
      code = Errc::server_busy;
      break;
    case StorageErrc::no_space:
      code = Errc::disk_full;
      break;
    case StorageErrc::denied:
      code = Errc::permission_denied;
      break;
    case StorageErrc::size_mismatch:
      code = Errc::size_mismatch;
      break;
    case StorageErrc::checksum_mismatch:
      code = Errc::checksum_mismatch;
      break;
    case StorageErrc::out_of_range:
      code = Errc::offset_out_of_range;
      break;
    case StorageErrc::bad_argument:
      code = Errc::bad_request;
      break;
    case StorageErrc::io_error:
      code = Errc::io_error;
      break;
    case StorageErrc::quota_exceeded:
      code = Errc::quota_exceeded;
      break;
  }
  return Error{code, error.message};
}

}  // namespace netdisk::server
