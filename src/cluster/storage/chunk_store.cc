// The naming rule every ChunkStore shares (chunk_store.h).
#include "cluster/storage/chunk_store.h"

namespace netdisk::cluster {

bool is_chunk_name(std::string_view name) noexcept {
  if (name.empty() || name.size() > 128 || name.front() == '.') return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace netdisk::cluster
