#include "client/session_store.h"

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

void write_all(const fs::path& file, const json& sessions) {
  fs::create_directories(file.parent_path());
  ::chmod(file.parent_path().c_str(), 0700);
  fs::path temp = file;
  temp += ".tmp";
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) throw std::runtime_error("cannot write " + temp.string());
  std::string text = sessions.dump(2) + "\n";
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ok = ::fsync(fd) == 0 && ok;
  ::close(fd);
  if (!ok || ::rename(temp.c_str(), file.c_str()) != 0) {
    ::unlink(temp.c_str());
    throw std::runtime_error("cannot write " + file.string());
  }
}

}  // namespace

SessionStore::SessionStore() : file_(default_file()) {}

std::optional<SavedSession> SessionStore::load(const std::string& server) const {
  json sessions = read_all(file_);
  auto it = sessions.find(server);
  if (it == sessions.end() || !it->is_object()) return std::nullopt;
  auto username = it->value("username", std::string());
  auto token = it->value("token", std::string());
  if (username.empty() || token.empty()) return std::nullopt;
  return SavedSession{username, token};
}

void SessionStore::save(const std::string& server, const SavedSession& session) const {
  json sessions = read_all(file_);
  sessions[server] = {{"username", session.username}, {"token", session.token}};
  write_all(file_, sessions);
}

void SessionStore::forget(const std::string& server) const {
  json sessions = read_all(file_);
  if (sessions.erase(server) == 0) return;
  write_all(file_, sessions);
}

}  // namespace netdisk::client
