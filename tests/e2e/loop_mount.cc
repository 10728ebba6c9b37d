#include "tests/e2e/loop_mount.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

#include "tests/e2e/cli_runner.h"

namespace netdisk::e2e {

namespace fs = std::filesystem;

std::unique_ptr<LoopMount> LoopMount::create(std::uint64_t bytes, std::string& why) {
  if (::geteuid() != 0) {
    why = "mounting a loop device needs root";
    return nullptr;
  }
  if (!fs::exists("/dev/loop-control")) {
    why = "no /dev/loop-control: this kernel or container has no loop devices";
    return nullptr;
  }
  std::string pattern = (fs::temp_directory_path() / "netdisk-loop-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    why = "mkdtemp failed";
    return nullptr;
  }
  fs::path dir = pattern;
  fs::path image = dir / "disk.img", mount_point = dir / "mnt";
  fs::create_directory(mount_point);
  std::string quoted_image = "'" + image.string() + "'";
  auto made = run_shell("truncate -s " + std::to_string(bytes) + " " + quoted_image +
                        " && mkfs.ext4 -q -F -m 0 " + quoted_image + " 2>&1");
  if (made.exit_code != 0) {
    why = "mkfs.ext4 failed (is e2fsprogs installed?): " + made.out + made.err;
    fs::remove_all(dir);
    return nullptr;
  }
  auto mounted = run_shell("mount -o loop " + quoted_image + " '" + mount_point.string() +
                           "' 2>&1");
  if (mounted.exit_code != 0) {
    why = "mount -o loop failed: " + mounted.out + mounted.err;
    fs::remove_all(dir);
    return nullptr;
  }
  return std::unique_ptr<LoopMount>(new LoopMount(dir, mount_point));
}

LoopMount::~LoopMount() {
  // A process that still has a file open there (a server being killed) keeps the mount busy
  // for a moment; retry, then detach lazily so nothing is left mounted.
  bool done = false;
  for (int attempt = 0; attempt < 50 && !done; ++attempt) {
    done = ::umount2(mount_point_.c_str(), 0) == 0 || errno == EINVAL;
    if (!done) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (!done) ::umount2(mount_point_.c_str(), MNT_DETACH);
  // The loop device was set up with autoclear by mount(8): unmounting released it.
  std::error_code ignored;
  fs::remove_all(dir_, ignored);
}

std::uint64_t LoopMount::free_bytes() const {
  struct ::statvfs vfs {};
  if (::statvfs(mount_point_.c_str(), &vfs) != 0) return 0;
  return static_cast<std::uint64_t>(vfs.f_bavail) * vfs.f_frsize;
}

std::uint64_t LoopMount::fill(const fs::path& path, std::uint64_t limit) const {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return 0;
  std::vector<char> zeros(64 * 1024, 0);
  std::uint64_t written = 0;
  // ext4 reserves blocks pessimistically at write time and hands the surplus back at fsync, so
  // one pass leaves room; repeat, down to the smallest block size, until a pass writes nothing.
  for (std::size_t chunk = zeros.size(); chunk >= 512 && written < limit;) {
    std::uint64_t pass = 0;
    while (written < limit) {
      auto n = ::write(fd, zeros.data(),
                       static_cast<std::size_t>(std::min<std::uint64_t>(chunk, limit - written)));
      if (n <= 0) break;  // ENOSPC: full for now
      pass += static_cast<std::uint64_t>(n);
      written += static_cast<std::uint64_t>(n);
    }
    ::fsync(fd);
    if (pass == 0) chunk /= 2;
  }
  ::close(fd);
  return written;
}

}  // namespace netdisk::e2e
