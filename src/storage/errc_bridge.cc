#include "storage/errc_bridge.h"

#include <array>
#include <utility>

namespace netdisk::storage {
namespace {

// One row per StorageErrc; the Errc a legacy caller expects for it.
constexpr std::array<std::pair<StorageErrc, Errc>, 16> kTable{{
    {StorageErrc::bad_name, Errc::invalid_path},
    {StorageErrc::not_found, Errc::not_found},
    {StorageErrc::exists, Errc::already_exists},
    {StorageErrc::not_a_directory, Errc::not_a_directory},
    {StorageErrc::is_a_directory, Errc::is_a_directory},
    {StorageErrc::not_empty, Errc::not_empty},
    {StorageErrc::condition_failed, Errc::precondition_failed},
    {StorageErrc::busy, Errc::server_busy},
    {StorageErrc::no_space, Errc::disk_full},
    {StorageErrc::denied, Errc::permission_denied},
    {StorageErrc::size_mismatch, Errc::size_mismatch},
    {StorageErrc::checksum_mismatch, Errc::checksum_mismatch},
    {StorageErrc::out_of_range, Errc::offset_out_of_range},
    {StorageErrc::bad_argument, Errc::bad_request},
    {StorageErrc::io_error, Errc::io_error},
    {StorageErrc::quota_exceeded, Errc::quota_exceeded},
}};

}  // namespace

StorageError storage_error_of(const Error& error) {
  for (const auto& [storage_code, errc] : kTable) {
    if (errc == error.code) return StorageError{storage_code, error.message};
  }
  // internal_error and the codes storage never produces: a failure of the backend.
  return StorageError{StorageErrc::io_error, error.message};
}

Error errc_error_of(const StorageError& error) {
  for (const auto& [storage_code, errc] : kTable) {
    if (storage_code == error.code) return Error{errc, error.message};
  }
  return Error{Errc::io_error, error.message};
}

}  // namespace netdisk::storage
