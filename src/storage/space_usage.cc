#include "storage/space_usage.h"

#include <string>
#include <vector>

namespace netdisk::storage {
namespace {

constexpr std::size_t kPage = 1000;

std::string child_path(const std::string& dir, const std::string& name) {
  return dir.empty() ? name : dir + "/" + name;
}

}  // namespace

StorageResult<SpaceUsage> space_usage(const UserSpace& space) {
  SpaceUsage usage;
  std::vector<std::string> pending{""};  // folders still to walk, depth first
  while (!pending.empty()) {
    std::string dir = std::move(pending.back());
    pending.pop_back();
    std::string after;
    while (true) {
      auto page = space.list(dir, after, kPage);
      if (!page) {
        // Removed or replaced by a file while we walked: it no longer counts.
        if (!dir.empty() && (page.error().code == StorageErrc::not_found ||
                             page.error().code == StorageErrc::not_a_directory)) {
          break;
        }
        return std::move(page).error();
      }
      for (const auto& entry : *page) {
        if (entry.is_directory) {
          ++usage.folders;
          pending.push_back(child_path(dir, entry.name));
        } else {
          ++usage.files;
          usage.bytes += entry.size;
        }
      }
      if (page->size() < kPage) break;
      after = page->back().name;
    }
  }
  return usage;
}

}  // namespace netdisk::storage
