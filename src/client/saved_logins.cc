#include "client/saved_logins.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace netdisk::client {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

fs::path default_file() {
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg) {
    return fs::path(xdg) / "netdisk" / "sessions.json";
  }
  if (const char* home = std::getenv("HOME"); home && *home) {
    return fs::path(home) / ".config" / "netdisk" / "sessions.json";
  }
  return fs::path(".netdisk-sessions.json");
}

json read_all(const fs::path& file) {
  std::ifstream in(file);
  if (!in) return json::object();
  std::string text{std::istreambuf_iterator<char>(in), {}};
  auto parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
  return parsed.is_object() ? parsed : json::object();
}

void write_all(const fs::path& file, const json& logins) {
  fs::create_directories(file.parent_path());
  ::chmod(file.parent_path().c_str(), 0700);
  fs::path temp = file;
  temp += ".tmp";
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) throw std::runtime_error("cannot write " + temp.string());
  std::string text = logins.dump(2) + "\n";
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ok = ::fsync(fd) == 0 && ok;
  ::close(fd);
  if (!ok || ::rename(temp.c_str(), file.c_str()) != 0) {
    ::unlink(temp.c_str());
    throw std::runtime_error("cannot write " + file.string());
  }
}

}  // namespace

SavedLogins::SavedLogins() : file_(default_file()) {}

std::optional<SavedLogin> SavedLogins::load(const std::string& server) const {
  json logins = read_all(file_);
  auto it = logins.find(server);
  if (it == logins.end() || !it->is_object()) return std::nullopt;
  auto username = it->value("username", std::string());
  auto token = it->value("token", std::string());
  if (username.empty() || token.empty()) return std::nullopt;
  return SavedLogin{username, token};
}

void SavedLogins::save(const std::string& server, const SavedLogin& login) const {
  json logins = read_all(file_);
  logins[server] = {{"username", login.username}, {"token", login.token}};
  write_all(file_, logins);
}

void SavedLogins::forget(const std::string& server) const {
  json logins = read_all(file_);
  if (logins.erase(server) == 0) return;
  write_all(file_, logins);
}

}  // namespace netdisk::client
