// StorageErrors: how a storage failure (storage/storage_error.h) reaches the wire. Storage
// speaks of names, folders and bytes; this is the one place that turns its codes into the
// protocol's Errc (docs/PROTOCOL.md, "Error codes"), keeping the message. Pure; thread-safe.
#pragma once

#include <type_traits>
#include <utility>

#include "common/result.h"
#include "storage/storage_error.h"

namespace netdisk::server {

// bad_name invalid_path, exists already_exists, condition_failed precondition_failed, busy
// server_busy, no_space disk_full, denied permission_denied, out_of_range
// offset_out_of_range, bad_argument bad_request; the others keep their name.
Error wire_error(const storage::StorageError& error);

// A storage result with its error, if any, mapped by wire_error().
template <typename T>
Result<T> to_wire(storage::StorageResult<T> result) {
  if (!result) return wire_error(result.error());
  if constexpr (std::is_void_v<T>) {
    return {};
  } else {
    return std::move(*result);
  }
}

}  // namespace netdisk::server
