// DirChunkStore (dir_chunk_store.h): objects as files, published by rename after an fsync.
#include "cluster/storage/dir_chunk_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include <fmt/format.h>

#include "storage/atomic_file.h"
#include "storage/safe_path.h"
#include "storage/unique_fd.h"

namespace netdisk::cluster {
namespace {

ChunkError errno_error(int errnum, std::string_view what, std::string_view oid) {
  ChunkErrc code = ChunkErrc::io_error;
  if (errnum == ENOSPC || errnum == EDQUOT) code = ChunkErrc::no_space;
  if (errnum == ENOENT) code = ChunkErrc::not_found;
  return ChunkError{code, fmt::format("{} object {}: {}", what, oid, std::strerror(errnum))};
}

ChunkError bad_name(std::string_view ns, std::string_view oid) {
  return ChunkError{ChunkErrc::bad_name,
                    fmt::format("refused object name '{}' in namespace '{}'", oid, ns)};
}

}  // namespace

bool DirChunkStore::take(std::atomic<int>& faults) {
  int left = faults.load();
  while (left > 0) {
    if (faults.compare_exchange_weak(left, left - 1)) return true;
  }
  return false;
}

ChunkStatus DirChunkStore::put(std::string_view ns, std::string_view oid,
                               std::span<const std::byte> bytes) {
  if (!is_chunk_name(ns) || !is_chunk_name(oid)) return bad_name(ns, oid);
  if (bytes.size() > kMaxObjectBytes) {
    return ChunkError{ChunkErrc::too_large, fmt::format("object {} is too large", oid)};
  }
  if (take(put_faults_)) {
    return ChunkError{ChunkErrc::no_space,
                      fmt::format("write object {}: no space (injected)", oid)};
  }
  std::error_code ec;
  std::filesystem::create_directory(root_ / std::string(ns), ec);
  if (ec) return errno_error(ec.value(), "make the namespace of", oid);
  storage::UniqueFd dir(
      ::open((root_ / std::string(ns)).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir) return errno_error(errno, "open the namespace of", oid);
  auto file = storage::AtomicFile::create(dir.get(), std::string(oid), 0600);
  if (!file) return ChunkError{ChunkErrc::io_error, fmt::format("create object {}", oid)};
  if (auto written = file->write(bytes); !written) {
    bool full = written.error().code == Errc::disk_full;
    return ChunkError{full ? ChunkErrc::no_space : ChunkErrc::io_error,
                      fmt::format("write object {}: {}", oid, written.error().message)};
  }
  if (auto done = file->commit(); !done) {
    return ChunkError{ChunkErrc::io_error, fmt::format("publish object {}", oid)};
  }
  if (after_put_) after_put_(ns, oid);
  return {};
}

ChunkResult<std::size_t> DirChunkStore::read(std::string_view ns, std::string_view oid,
                                             std::uint64_t offset, std::span<std::byte> into) {
  if (!is_chunk_name(ns) || !is_chunk_name(oid)) return bad_name(ns, oid);
  if (take(read_faults_)) {
    return ChunkError{ChunkErrc::io_error, fmt::format("read object {}: injected failure", oid)};
  }
  storage::UniqueFd fd(::open((root_ / std::string(ns) / std::string(oid)).c_str(),
                              O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd) return errno_error(errno, "open", oid);
  std::size_t done = 0;
  while (done < into.size()) {
    ssize_t n = ::pread(fd.get(), into.data() + done, into.size() - done,
                        static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno_error(errno, "read", oid);
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  return done;
}

ChunkStatus DirChunkStore::remove(std::string_view ns, std::string_view oid) {
  if (!is_chunk_name(ns) || !is_chunk_name(oid)) return bad_name(ns, oid);
  if (::unlink((root_ / std::string(ns) / std::string(oid)).c_str()) != 0) {
    return errno_error(errno, "remove", oid);
  }
  return {};
}

std::size_t DirChunkStore::object_count(std::string_view ns) const {
  std::error_code ec;
  std::size_t count = 0;
  for (auto it = std::filesystem::directory_iterator(root_ / std::string(ns), ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    if (!storage::is_reserved_name(it->path().filename().string())) ++count;
  }
  return count;
}

}  // namespace netdisk::cluster
