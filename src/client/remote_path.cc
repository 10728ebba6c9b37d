#include "client/remote_path.h"

namespace netdisk::client {

std::string normalize_remote(std::string_view typed) {
  std::string out;
  while (!typed.empty()) {
    auto slash = typed.find('/');
    std::string_view part = typed.substr(0, slash);
    typed = slash == std::string_view::npos ? std::string_view{} : typed.substr(slash + 1);
    if (part.empty() || part == ".") continue;
    if (!out.empty()) out += '/';
    out += part;
  }
  return out;
}

std::string join_remote(std::string_view dir, std::string_view name) {
  if (dir.empty()) return std::string(name);
  return std::string(dir) + "/" + std::string(name);
}

std::string remote_basename(std::string_view path) {
  auto slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

std::string remote_dirname(std::string_view path) {
  auto slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string() : std::string(path.substr(0, slash));
}

}  // namespace netdisk::client
