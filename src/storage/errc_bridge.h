// ErrcBridge: converts between the storage vocabulary (StorageError) and the wire's Errc, for
// the code in between: FileStore and Upload still report Errc-based Errors, which LocalSpace
// turns into StorageErrors at its boundary, and their TargetChecks now report StorageErrors,
// which they hand back to their (Errc-speaking) callers. Goes away once the server only sees
// UserSpace. Pure functions; thread-safe.
#pragma once

#include "common/result.h"
#include "storage/storage_error.h"

namespace netdisk::storage {

// An Error from FileStore, Upload or the helpers under them, as a StorageError (invalid_path
// bad_name, disk_full no_space, already_exists exists, server_busy busy, ...). The message
// is kept.
StorageError storage_error_of(const Error& error);

// The reverse, for FileStore and Upload's Errc-speaking callers (the server today): the same
// table as server/storage_errors.h's wire_error().
Error errc_error_of(const StorageError& error);

// FileStore's Result<T> and Status as StorageResult<T> and StorageStatus, at LocalSpace's
// boundary.
template <typename T>
StorageResult<T> converted(Result<T> result) {
  if (!result) return storage_error_of(result.error());
  return std::move(*result);
}
inline StorageStatus converted(const Status& status) {
  if (!status) return storage_error_of(status.error());
  return {};
}

}  // namespace netdisk::storage
