#include "server/service/check_config.h"

#include <fstream>
#include <stdexcept>
#include <system_error>

#include <fmt/format.h>
#include <boost/asio/ip/address.hpp>

namespace netdisk::server {
namespace {

namespace fs = std::filesystem;

// The listener would throw at bind time for a host name: it binds IP addresses only.
void check_address(const char* option, const Endpoint& endpoint) {
  boost::system::error_code error;
  boost::asio::ip::make_address(endpoint.host, error);
  if (error) {
    throw std::invalid_argument(
        fmt::format("{}: '{}' is not an IP address (netdiskd binds addresses, not names)", option,
                    endpoint.host));
  }
}

void check_readable(const char* option, const fs::path& file) {
  if (file.empty()) return;
  std::ifstream in(file);
  if (!in) throw std::invalid_argument(fmt::format("{}: {} cannot be read", option, file.string()));
}

// The server creates `path` (a file, or the data folder) itself, but not the folder it is in.
void check_parent_exists(const char* option, const fs::path& path) {
  if (path.empty()) return;
  auto parent = fs::absolute(path).parent_path();
  std::error_code error;
  if (!fs::is_directory(parent, error)) {
    throw std::invalid_argument(
        fmt::format("{}: the folder {} does not exist", option, parent.string()));
  }
}

}  // namespace

void check_startup_files(const ServerConfig& config) {
  check_address("--listen", config.listen);
  if (config.http_enabled) check_address("--http", config.http_listen);
  if (config.https_enabled) check_address("--https", config.https_listen);
  check_readable("--tls-cert", config.tls_cert_file);
  check_readable("--tls-key", config.tls_key_file);
  std::error_code error;
  if (fs::exists(config.data_dir, error) && !fs::is_directory(config.data_dir, error)) {
    throw std::invalid_argument(
        fmt::format("--data: {} is not a folder", config.data_dir.string()));
  }
  check_parent_exists("--data", config.data_dir);
  check_parent_exists("--users-file", config.users_file);
  check_parent_exists("--log-file", config.log_file);
  check_parent_exists("--port-file", config.port_file);
  check_parent_exists("--http-port-file", config.http_port_file);
  check_parent_exists("--https-port-file", config.https_port_file);
}

}  // namespace netdisk::server
