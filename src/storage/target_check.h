// TargetCheck: a condition on the current state of a name, evaluated by the storage layer at
// the very step that changes the name (an upload's rename, a delete's unlink) and under a
// NameLock, so "replace only if it is still version X" or "create only if nothing is there"
// cannot race with another NetDisk change to that name. The HTTP side builds one from RFC 9110
// preconditions, the TCP protocol from an upload's if_version / if_absent. Plain values and
// functions; the check runs on the calling (blocking pool) thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "common/result.h"
#include "storage/storage_error.h"

namespace netdisk::storage {

// What is at a name right now. `version` is version_tag() of a regular file ("" otherwise);
// a symlink or another special file counts as existing, with no version.
struct TargetState {
  bool exists = false;
  bool is_directory = false;
  std::string version;
  std::int64_t mtime_ns = 0;
  std::uint64_t size = 0;
};

// Lets the change go ahead (ok) or stops it with a StorageError, usually condition_failed
// (the server maps that to precondition_failed on the wire).
using TargetCheck = std::function<StorageStatus(const TargetState&)>;

// The state of `name` in the directory `dirfd` (not following a symlink). io_error and the
// like when it cannot be read; a missing name is a state (exists = false), not an error.
Result<TargetState> target_state(int dirfd, const std::string& name);

// The TCP upload's conditions (docs/PROTOCOL.md, section 8): the file must still be exactly
// `version`; or nothing at all may be at the name.
TargetCheck require_version(std::string version);
TargetCheck require_absent();

}  // namespace netdisk::storage
