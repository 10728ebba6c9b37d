// StorageError: what a storage backend (storage/user_space.h) reports when an expected
// operation fails. Storage has its own vocabulary, in terms of names, folders and bytes, not
// of the wire protocol: the server maps it to the protocol's error codes
// (server/storage_errors.h), and a second backend (an object store) reports the same
// kinds without knowing any protocol. Messages are for people and never name a server-side
// path: they name paths relative to the user's space, or none.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace netdisk::storage {

enum class StorageErrc {
  bad_name,           // the path is not one a client may use (.., control characters, too long)
  not_found,          // nothing at the name, or a folder on the way is missing
  exists,             // the name is taken and the operation does not replace
  not_a_directory,    // a file where a folder was needed
  is_a_directory,     // a folder where a file was needed
  not_empty,          // a folder that still holds entries
  condition_failed,   // a TargetCheck refused the change
  busy,               // someone else holds the resource (an upload of the same partial)
  no_space,           // out of space or quota (ENOSPC, EDQUOT)
  denied,             // the backend refused (EACCES, EPERM, a read-only file system)
  size_mismatch,      // an upload's bytes do not add up to its announced size
  checksum_mismatch,  // an upload's bytes do not match its announced checksum
  out_of_range,       // an offset or length past the end of the file
  bad_argument,       // a malformed argument (a checksum that is not 32 hex digits)
  io_error,           // the device or backend failed
  quota_exceeded,     // the user's byte quota has no room for it (server/quota/)
};

struct StorageError {
  StorageErrc code = StorageErrc::io_error;
  std::string message;
};

template <typename T>
using StorageResult = BasicResult<T, StorageError>;
using StorageStatus = StorageResult<void>;

inline StorageError storage_error(StorageErrc code, std::string message) {
  return StorageError{code, std::move(message)};
}

// A short name for logs and tests ("not_found").
std::string_view storage_errc_name(StorageErrc code) noexcept;

// An errno from a failed system call as a StorageError: ENOSPC/EDQUOT no_space, ENOENT
// not_found, EACCES/EPERM/EROFS denied, ENOTDIR not_a_directory, EISDIR is_a_directory, ENOTEMPTY
// not_empty, EEXIST exists, ELOOP/EXDEV/ENAMETOOLONG bad_name (openat2 refusing to leave the
// space or cross a symlink), anything else io_error. `what` names the step.
StorageError storage_error_from_errno(int errnum, std::string_view what);

}  // namespace netdisk::storage
