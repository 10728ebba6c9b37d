// Where the local backend keeps dead properties (dead_properties.h): one extended attribute,
// kPropertyXattr, holding encode_properties()'s text, on the file's or folder's own inode.
// Why an xattr and not a sidecar file: one fsetxattr(2) replaces the whole set atomically,
// fsync(2) of the inode makes it durable, and it follows the inode through rename(2) and
// vanishes with unlink(2), so MOVE and DELETE need no second step that a crash could split
// from the first. A file's upload gives it a new inode: the upload's commit carries the
// attribute across (carry_property_xattr) under the name's NameLock, before the rename. The
// checksum cache (checksum.h) is a separate attribute with its own life. Setting an
// attribute changes only the inode's ctime, which version tags leave out (checksum.h), so a
// PROPPATCH keeps a file's ETag. Free functions; any thread; they block on the disk.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace netdisk::storage {

inline constexpr const char* kPropertyXattr = "user.netdisk.props";

// The attribute of `fd` (a file or folder opened for reading), "" when it has none or the
// file system keeps no attributes. io_error.
Result<std::string> read_property_xattr(int fd);

// Replaces the attribute ("" removes it) and fsyncs `fd`. disk_full when the file system has
// no room for it (ENOSPC, E2BIG); io_error when it keeps no attributes (ENOTSUP).
Status write_property_xattr(int fd, std::string_view encoded);

// Gives `to_fd` the attribute of `from_fd` (removing its own when `from_fd` has none), for a
// copy; the caller fsyncs `to_fd` (AtomicFile::commit does).
Status copy_property_xattr(int from_fd, int to_fd);

// For an upload's commit: when the regular file `name` in `dirfd` has properties, puts them
// on the new content `to_fd` and fsyncs it. Nothing at `name`, or a folder: nothing to do.
Status carry_property_xattr(int dirfd, const std::string& name, int to_fd);

}  // namespace netdisk::storage
