#include "storage/name_lock.h"

#include <sys/stat.h>

#include <array>
#include <cstdint>
#include <functional>
#include <string>

namespace netdisk::storage {
namespace {

// Enough stripes that unrelated uploads rarely wait on each other; each is one mutex.
constexpr std::size_t kStripes = 256;

std::array<std::mutex, kStripes>& stripes() {
  static std::array<std::mutex, kStripes> table;
  return table;
}

std::size_t stripe_of(int dirfd, std::string_view name) {
  struct ::stat st {};
  // A directory that cannot be stat'ed still gets a stripe (by name only): the caller's own
  // system call on it will fail and report the error.
  std::size_t seed = 0;
  if (::fstat(dirfd, &st) == 0) {
    seed = std::hash<std::uint64_t>{}(static_cast<std::uint64_t>(st.st_dev) * 1'000'003U +
                                      static_cast<std::uint64_t>(st.st_ino));
  }
  seed ^= std::hash<std::string_view>{}(name) + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2);
  return seed % kStripes;
}

}  // namespace

NameLock::NameLock(int dirfd, std::string_view name) : lock_(stripes()[stripe_of(dirfd, name)]) {}

NameLock::NameLock(int dirfd, std::string_view name, int other_dirfd, std::string_view other_name) {
  auto first = stripe_of(dirfd, name);
  auto second = stripe_of(other_dirfd, other_name);
  lock_ = std::unique_lock(stripes()[first], std::defer_lock);
  if (first == second) {
    lock_.lock();
    return;
  }
  other_lock_ = std::unique_lock(stripes()[second], std::defer_lock);
  std::lock(lock_, other_lock_);
}

}  // namespace netdisk::storage
