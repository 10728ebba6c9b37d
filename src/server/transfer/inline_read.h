// read_inline: the bytes of a small file range read on the calling I/O thread, so a small
// download leaves with its reply or headers in one write instead of a write and a sendfile(2).
// Only from the page cache: preadv2(RWF_NOWAIT) answers nothing rather than wait for the disk;
// where RWF_NOWAIT is not supported (tmpfs, whose pages are memory) a plain pread does what
// sendfile(2) would do on the same thread. Any thread; the file's descriptor is only read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace netdisk::storage {
class OpenFile;
}

namespace netdisk::server::transfer {

// Files up to this size are worth one write with their headers; larger ones (and so ranges
// of them) go through the transfer engine (sendfile or the blocking pool) as before.
inline constexpr std::uint64_t kInlineReadBytes = 64 * 1024;

// All `length` bytes at `offset`, or nullopt when they cannot be had at once: a file over
// kInlineReadBytes, no native descriptor, a page not in the cache, a short read (the file
// shrank) or an error. The caller then sends the range the ordinary way, which reports errors.
std::optional<std::string> read_inline(storage::OpenFile& file, std::uint64_t offset,
                                       std::uint64_t length);

}  // namespace netdisk::server::transfer
