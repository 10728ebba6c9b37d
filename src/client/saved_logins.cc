#include "client/saved_logins.h"

#include <nlohmann/json.hpp>

#include "client/config_file.h"

namespace netdisk::client {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

json read_all(const fs::path& file) {
  auto parsed = json::parse(read_text_file(file), nullptr, /*allow_exceptions=*/false);
  return parsed.is_object() ? parsed : json::object();
}

void write_all(const fs::path& file, const json& logins) {
  write_private_file(file, logins.dump(2) + "\n");
}

}  // namespace

SavedLogins::SavedLogins() : file_(config_file("sessions.json")) {}

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
