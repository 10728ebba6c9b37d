// SessionStore: the login sessions the client keeps between runs, one per server, in
// $XDG_CONFIG_HOME/netdisk/sessions.json (or ~/.config/netdisk/). The file is created with mode
// 0600 and replaced atomically. Holds tokens only, never passwords. One process at a time.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace netdisk::client {

struct SavedSession {
  std::string username;
  std::string token;
};

class SessionStore {
 public:
  SessionStore();  // uses the default location
  explicit SessionStore(std::filesystem::path file) : file_(std::move(file)) {}

  std::optional<SavedSession> load(const std::string& server) const;
  // Throws std::runtime_error when the file cannot be written.
  void save(const std::string& server, const SavedSession& session) const;
  void forget(const std::string& server) const;
  const std::filesystem::path& file() const noexcept { return file_; }

 private:
  std::filesystem::path file_;
};

}  // namespace netdisk::client
