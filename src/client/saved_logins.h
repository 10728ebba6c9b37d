// SavedLogins: the logins the client keeps between runs, one per server (its user name and
// login token), in $XDG_CONFIG_HOME/netdisk/sessions.json (or ~/.config/netdisk/; the file keeps
// the name it always had). The file is created with mode 0600 and replaced atomically. Holds
// tokens only, never passwords. One process at a time.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace netdisk::client {

// What `netdisk login` saved for one server.
struct SavedLogin {
  std::string username;
  std::string token;
};

class SavedLogins {
 public:
  SavedLogins();  // uses the default location
  explicit SavedLogins(std::filesystem::path file) : file_(std::move(file)) {}

  std::optional<SavedLogin> load(const std::string& server) const;
  // Throws std::runtime_error when the file cannot be written.
  void save(const std::string& server, const SavedLogin& login) const;
  void forget(const std::string& server) const;
  const std::filesystem::path& file() const noexcept { return file_; }

 private:
  std::filesystem::path file_;
};

}  // namespace netdisk::client
