// KnownServers: the TLS keys the client trusts, one server a line, as ssh's known_hosts:
// "HOST:PORT SHA256:..." (protocol/key_fingerprint.h), in the file known_servers next to the
// saved logins (config_file.h: mode 0600, replaced atomically). Blank lines, lines starting
// with '#' and lines it cannot read are kept as they are when the file is rewritten, and
// never match a server. One writer process at a time.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace netdisk::client {

struct KnownServer {
  std::string server;       // HOST:PORT as the client names it
  std::string fingerprint;  // SHA256:...
  std::size_t line = 0;     // 1-based, for messages
};

// The entries of a known_servers text, in file order (the first line for a server wins).
std::vector<KnownServer> parse_known_servers(std::string_view text);
// `text` with `server`'s line(s) replaced by one naming `fingerprint` (appended when absent).
std::string remember_in(std::string_view text, const std::string& server,
                        const std::string& fingerprint);
// `text` without `server`'s line(s).
std::string forget_in(std::string_view text, const std::string& server);

class KnownServers {
 public:
  KnownServers();  // the default location
  explicit KnownServers(std::filesystem::path file) : file_(std::move(file)) {}

  std::optional<KnownServer> find(const std::string& server) const;
  // Throws std::runtime_error when the file cannot be written.
  void remember(const std::string& server, const std::string& fingerprint) const;
  // False when `server` was not in the file. Throws like remember().
  bool forget(const std::string& server) const;
  const std::filesystem::path& file() const noexcept { return file_; }

 private:
  std::filesystem::path file_;
};

}  // namespace netdisk::client
