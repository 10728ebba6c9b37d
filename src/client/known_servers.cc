#include "client/known_servers.h"

#include "client/config_file.h"
#include "protocol/key_fingerprint.h"

namespace netdisk::client {
namespace {

// Calls `each(line, number)` for every line of `text`, without its end of line.
template <typename Each>
void for_each_line(std::string_view text, Each each) {
  std::size_t number = 0;
  while (!text.empty()) {
    std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    each(line, ++number);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
  }
}

// The entry a line holds: exactly two fields, the second a fingerprint.
std::optional<KnownServer> parse_line(std::string_view line, std::size_t number) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  std::size_t start = line.find_first_not_of(" \t");
  if (start == std::string_view::npos || line[start] == '#') return std::nullopt;
  line.remove_prefix(start);
  std::size_t gap = line.find_first_of(" \t");
  if (gap == std::string_view::npos) return std::nullopt;
  std::string_view rest = line.substr(gap);
  rest.remove_prefix(rest.find_first_not_of(" \t"));
  rest = rest.substr(0, rest.find_last_not_of(" \t") + 1);
  std::string fingerprint(rest);
  if (!protocol::is_key_fingerprint(fingerprint)) return std::nullopt;
  return KnownServer{std::string(line.substr(0, gap)), fingerprint, number};
}

}  // namespace

std::vector<KnownServer> parse_known_servers(std::string_view text) {
  std::vector<KnownServer> entries;
  for_each_line(text, [&](std::string_view line, std::size_t number) {
    if (auto entry = parse_line(line, number)) entries.push_back(std::move(*entry));
  });
  return entries;
}

std::string forget_in(std::string_view text, const std::string& server) {
  std::string kept;
  for_each_line(text, [&](std::string_view line, std::size_t number) {
    auto entry = parse_line(line, number);
    if (entry && entry->server == server) return;
    kept.append(line);
    kept.push_back('\n');
  });
  return kept;
}

std::string remember_in(std::string_view text, const std::string& server,
                        const std::string& fingerprint) {
  return forget_in(text, server) + server + " " + fingerprint + "\n";
}

KnownServers::KnownServers() : file_(config_file("known_servers")) {}

std::optional<KnownServer> KnownServers::find(const std::string& server) const {
  for (auto& entry : parse_known_servers(read_text_file(file_))) {
    if (entry.server == server) return entry;
  }
  return std::nullopt;
}

void KnownServers::remember(const std::string& server, const std::string& fingerprint) const {
  write_private_file(file_, remember_in(read_text_file(file_), server, fingerprint));
}

bool KnownServers::forget(const std::string& server) const {
  if (!find(server)) return false;
  write_private_file(file_, forget_in(read_text_file(file_), server));
  return true;
}

}  // namespace netdisk::client
