#include "client/config_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace netdisk::client {

namespace fs = std::filesystem;

fs::path config_file(const std::string& name) {
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg) {
    return fs::path(xdg) / "netdisk" / name;
  }
  if (const char* home = std::getenv("HOME"); home && *home) {
    return fs::path(home) / ".config" / "netdisk" / name;
  }
  return fs::path(".netdisk-" + name);
}

void write_private_file(const fs::path& file, const std::string& text) {
  if (file.has_parent_path()) {
    fs::create_directories(file.parent_path());
    ::chmod(file.parent_path().c_str(), 0700);
  }
  fs::path temp = file;
  temp += ".tmp";
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) throw std::runtime_error("cannot write " + temp.string());
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ok = ::fsync(fd) == 0 && ok;
  ::close(fd);
  if (!ok || ::rename(temp.c_str(), file.c_str()) != 0) {
    ::unlink(temp.c_str());
    throw std::runtime_error("cannot write " + file.string());
  }
}

std::string read_text_file(const fs::path& file) {
  std::ifstream in(file);
  if (!in) return {};
  return std::string{std::istreambuf_iterator<char>(in), {}};
}

}  // namespace netdisk::client
