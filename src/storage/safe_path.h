// SafePath: lexical validation of the paths a client sends, before anything touches the disk.
// A user path is relative to the user's folder, made of '/'-separated components; this file
// decides which components are acceptable names. It is pure string work (no system calls);
// confined_open.h does the kernel-enforced half. Thread-safe: no state.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace netdisk::storage {

inline constexpr std::size_t kMaxNameBytes = 255;   // one component, as on ext4
inline constexpr std::size_t kMaxPathBytes = 4096;  // a whole path, as PATH_MAX

// Partial uploads live beside their target under this hidden prefix (see upload.h). Like
// kTempPrefix (atomic_file.h) it is reserved: clients can neither see nor name such files.
inline constexpr std::string_view kPartialPrefix = ".netdisk-part.";

// Each user's trash and kept versions live in these folders at the top of the user's space
// (retention.h). Reserved as well: invisible, unnameable, on every transport.
inline constexpr std::string_view kTrashFolder = ".netdisk-trash";
inline constexpr std::string_view kVersionsFolder = ".netdisk-versions";

// True if `name` starts with one of NetDisk's reserved prefixes (kTempPrefix, kPartialPrefix,
// kTrashFolder, kVersionsFolder).
bool is_reserved_name(std::string_view name) noexcept;

// Checks one path component. Errc::invalid_path (with a message naming the problem) for: the
// empty name, "." and "..", names over kMaxNameBytes, '/', '\\', NUL and other control bytes
// (< 0x20, 0x7f), invalid UTF-8, a trailing '.' or ' ', and reserved prefixes.
Status validate_name(std::string_view name);

// Splits a path naming a file or folder inside the user's folder into its components, each
// checked by validate_name(). Errc::invalid_path for the empty path, a leading '/' (absolute),
// empty components ("a//b", a trailing '/'), a path over kMaxPathBytes, or a bad component.
Result<std::vector<std::string>> split_user_path(std::string_view path);

// As split_user_path(), except that the empty path is accepted and means the user's folder
// itself (an empty vector). For operations where the root makes sense, such as listing.
Result<std::vector<std::string>> split_user_dir_path(std::string_view path);

// The components joined with '/', or "." for none: a path relative to the user's folder,
// ready for open_beneath(). Only for components that passed validation.
std::string join_components(const std::vector<std::string>& components, std::size_t count);
inline std::string join_components(const std::vector<std::string>& components) {
  return join_components(components, components.size());
}

}  // namespace netdisk::storage
