#include "storage/stored_bytes.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <vector>

#include "storage/confined_open.h"

namespace netdisk::storage {
namespace {

// Adds the regular files of the folder `dir` to `total` and its subfolders to `pending`.
void count_folder(int dir, const std::string& relative, std::uint64_t& total,
                  std::vector<std::string>& pending) {
  auto names = read_directory(dir);
  if (!names) return;  // unreadable or removed meanwhile: it holds nothing we can count
  for (const auto& entry : *names) {
    if (entry.type != DT_REG && entry.type != DT_DIR && entry.type != DT_UNKNOWN) continue;
    auto st = stat_entry(dir, entry.name);
    if (!st) continue;
    if (S_ISREG(st->st_mode)) {
      total += static_cast<std::uint64_t>(st->st_size);
    } else if (S_ISDIR(st->st_mode)) {
      pending.push_back(relative == "." ? entry.name : relative + "/" + entry.name);
    }
  }
}

}  // namespace

Result<std::uint64_t> stored_bytes_beneath(int root_fd, const std::string& relative) {
  auto top = open_beneath(root_fd, relative, O_PATH | O_NOFOLLOW);
  if (!top) return std::move(top).error();
  struct ::stat st {};
  if (::fstat(top->get(), &st) != 0) return error_from_errno(errno, "stat");
  if (S_ISREG(st.st_mode)) return static_cast<std::uint64_t>(st.st_size);
  if (!S_ISDIR(st.st_mode)) return std::uint64_t{0};
  // Depth-first over relative paths, each folder opened beneath the root afresh, as the sweep
  // of partial uploads does, so a deep tree never holds more than one descriptor.
  std::uint64_t total = 0;
  std::vector<std::string> pending{relative};
  while (!pending.empty()) {
    std::string next = std::move(pending.back());
    pending.pop_back();
    auto dir = open_directory_beneath(root_fd, next);
    if (!dir) {
      if (next == relative) return std::move(dir).error();
      continue;  // removed meanwhile: skip it
    }
    count_folder(dir->get(), next, total, pending);
  }
  return total;
}

}  // namespace netdisk::storage
